import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { AdmissionResult, DenialReason } from "../services/admission-rules";
import { IdColumn, TimeColumn } from "./columns";

/** Every scan at a gate and what was decided, admitted or denied. */
@Entity({ name: "admissions" })
@Index("IDX_admissions_event", ["eventId", "id"])
export class AdmissionEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() eventId: string;
  @IdColumn({ nullable: true }) ticketId: string | null;
  @Column({ type: "varchar", length: 50, nullable: true }) gate: string | null;
  @Column({ type: "varchar", length: 10 }) result: AdmissionResult;
  @Column({ type: "varchar", length: 20, nullable: true }) reason: DenialReason | null;
  @TimeColumn() at: Date;
}
