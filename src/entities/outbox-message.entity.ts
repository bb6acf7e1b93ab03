import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * Durable work written in the same transaction as the change that causes it, and
 * delivered afterwards with retries (institution reports, later partner webhooks).
 */
@Entity({ name: "outbox_messages" })
@Index("IDX_outbox_due", ["deliveredAt", "nextAttemptAt"])
export class OutboxMessageEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 64 }) topic: string;
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
}
