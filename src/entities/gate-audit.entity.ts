import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * What a gate did by hand: a search of the event's tickets (how many it found, never
 * what it asked: names are personal data), an admission by ticket id, an undone
 * admission. The shop reads it (`gateAudit`).
 */
@Entity({ name: "gate_audits" })
@Index("IDX_gate_audits_event", ["eventId", "at"])
export class GateAuditEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() eventId: string;
  @IdColumn() apiKeyId: string;
  /** SEARCH, ADMIT_BY_ID, UNDO */
  @Column({ type: "varchar", length: 20 }) action: string;
  @IdColumn({ nullable: true }) ticketId: string | null;
  @Column({ type: "int", nullable: true }) hits: number | null;
  @TimeColumn() at: Date;
}
