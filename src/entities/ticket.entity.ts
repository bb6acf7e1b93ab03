import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A ticket held by a phone number. `holderVersion` is signed into every ticket code and
 * moves on allotment and revocation, so codes issued before stop working. A use is
 * admitted by a conditional UPDATE on `usesLeft`: the database decides between gates.
 * `inside` and `movedAt` say where the holder is after the latest movement by scan time
 * (scans synced from offline gates may arrive out of order); `updatedAt` moves with
 * every change a gate's snapshot carries, so a gate can refresh since its `asOf`.
 */
@Entity({ name: "tickets" })
@Index("UQ_tickets_partner_issue", ["partnerId", "issueNumber"], { unique: true })
@Index("IDX_tickets_holder", ["holderPhone"])
// A gate's snapshot pages through an event in id order (SQLite's index on eventId alone holds no id to order by).
@Index("IDX_tickets_event_id", ["eventId", "id"])
// An event's valid tickets counted from the index alone (the recount the attendance tallies are held to).
@Index("IDX_tickets_event_revoked", ["eventId", "revokedAt"])
@Index("IDX_tickets_event_updated", ["eventId", "updatedAt"])
@Index("IDX_tickets_event_inside", ["eventId", "inside"])
// A ticket shop's search (searchTickets), newest first.
@Index("IDX_tickets_partner_created", ["partnerId", "createdAt", "id"])
export class TicketEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() partnerId: string;
  @IdColumn() eventId: string;
  @Column({ type: "varchar", length: 64 }) issueNumber: string;
  @Column({ type: "varchar", length: 16 }) holderPhone: string;
  @Column({ type: "int", default: 1 }) holderVersion: number;
  @Column({ type: "varchar", length: 50, nullable: true }) seat: string | null;
  @Column({ type: "int" }) usesAllowed: number;
  @Column({ type: "int" }) usesLeft: number;
  @TimeColumn() validFrom: Date;
  @TimeColumn() validUntil: Date;
  @Column({ type: "varchar", length: 64 }) contentHash: string;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  @TimeColumn() createdAt: Date;
  /** A pass: a use sooner than this after the last one is TOO_SOON. */
  @Column({ type: "int", nullable: true }) minMinutesBetweenUses: number | null;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
  /** 1 when admitted and not exited since. */
  @Column({ type: "int", default: 0 }) inside: number;
  /** The scan time of the movement `inside` reflects. */
  @TimeColumn({ nullable: true }) movedAt: Date | null;
  @TimeColumn({ nullable: true }) updatedAt: Date | null;
  /** The attendee's name, when the shop gave one: shown at the gate with the seat, and found by the gate's search. */
  @Column({ type: "varchar", length: 100, nullable: true }) attendeeName: string | null;
}
