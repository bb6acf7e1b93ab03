import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { AdmissionResult, DenialReason } from "../../clients/wire/admission-rules";
import { IdColumn, TimeColumn } from "./columns";

/**
 * Every scan at a gate and what was decided: admitted, denied or exited. The event's
 * counts are running tallies kept per gate (services/tickets/tallies.ts), moved with
 * these rows and always equal to counting them, never kept in a row every gate would
 * update. `countsVisitor` marks the one admission per ticket and event day that counts
 * a visitor (see services/attendance.ts); `scanKey` makes a scan synced from an offline
 * gate count once however often it is sent; `codeWindow` makes a rotating code's
 * window admit once.
 */
@Entity({ name: "admissions" })
@Index("IDX_admissions_event", ["eventId", "id"])
@Index("IDX_admissions_visitors", ["eventId", "countsVisitor", "result"])
@Index("IDX_admissions_gates", ["eventId", "gate", "result"])
@Index("IDX_admissions_ticket", ["ticketId", "at"])
@Index("UQ_admissions_scan", ["scanKey"], { unique: true })
@Index("UQ_admissions_window", ["ticketId", "codeWindow"], { unique: true })
@Index("IDX_admissions_list", ["eventId", "listId", "result"])
export class AdmissionEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() eventId: string;
  @IdColumn({ nullable: true }) ticketId: string | null;
  @Column({ type: "varchar", length: 50, nullable: true }) gate: string | null;
  @Column({ type: "varchar", length: 10 }) result: AdmissionResult;
  @Column({ type: "varchar", length: 20, nullable: true }) reason: DenialReason | null;
  /** When the code was scanned (for a synced scan, the gate's time, not the upload's). */
  @TimeColumn() at: Date;
  /** 1 when this admission took one of the ticket's uses (not for a re-entry). */
  @Column({ type: "int", default: 0 }) tookUse: number;
  @Column({ type: "int", default: 0 }) countsVisitor: number;
  /** The event day of an admission: whole days since doors opened. */
  @Column({ type: "int", nullable: true }) visitDay: number | null;
  /** For ALREADY_USED: when the use that stands was taken. */
  @TimeColumn({ nullable: true }) firstUsedAt: Date | null;
  @Column({ type: "varchar", length: 64, nullable: true }) scanKey: string | null;
  /** 1 for a scan made offline and synced. */
  @Column({ type: "int", default: 0 }) offline: number;
  /** An admission by a rotating code: its window, which admits once (UQ_admissions_window). */
  @Column({ type: "int", nullable: true }) codeWindow: number | null;
  /** The gate's API key that made it: only that gate may undo it. */
  @IdColumn({ nullable: true }) gateKeyId: string | null;
  /** When the gate that made it undid it (within UNDO_MINUTES): it takes no use and counts nothing since. */
  @TimeColumn({ nullable: true }) undoneAt: Date | null;
  /** The check-in list the gate scanned for; null for the event's own entry. */
  @IdColumn({ nullable: true }) listId: string | null;
  /** 1 when the gate admitted by ticket id (a visitor without a phone), with its key. */
  @Column({ type: "int", default: 0 }) byTicketId: number;
}
