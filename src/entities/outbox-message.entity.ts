import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * Durable work written in the same transaction as the change that causes it, and
 * delivered afterwards with retries (institution reports and reversals, partner webhooks).
 */
@Entity({ name: "outbox_messages" })
// Due messages, oldest first, skipping dead ones and busy destinations inside the index.
@Index("IDX_outbox_due", ["deliveredAt", "deadAt", "nextAttemptAt", "destination"])
// Dead messages, newest to die first, for the admin's pages.
@Index("IDX_outbox_dead", ["deliveredAt", "deadAt", "id"])
export class OutboxMessageEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 64 }) topic: string;
  /**
   * Who receives it ("institution", "partner:<id>"): deliveries to one destination never
   * wait for another's. Null on messages written before destinations were recorded.
   */
  @Column({ type: "varchar", length: 100, nullable: true }) destination: string | null;
  @Column({ type: "simple-json" }) payload: Record<string, unknown>;
  @Column({ type: "int", default: 0 }) attempts: number;
  @TimeColumn() nextAttemptAt: Date;
  /** A worker's lease, so two server instances never deliver the same row at once. */
  @TimeColumn({ nullable: true }) lockedUntil: Date | null;
  /** Which worker's lease this is: a batch is leased in one UPDATE and read back by it. */
  @Column({ type: "varchar", length: 36, nullable: true }) leaseId: string | null;
  @Column({ type: "varchar", length: 500, nullable: true }) lastError: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) deliveredAt: Date | null;
  /** Given up: still failing OUTBOX_GIVE_UP_AFTER_DAYS after creation (or revival); waits for an admin. */
  @TimeColumn({ nullable: true }) deadAt: Date | null;
  /** When an admin last made this dead message due again; its give-up age counts from here. */
  @TimeColumn({ nullable: true }) revivedAt: Date | null;
}
