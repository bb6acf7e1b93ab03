import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * The event list a partner or a store catches up from (`events`): every webhook, as the
 * exact body it is sent with, written in the transaction that sends it. Kept as long as
 * idempotency records (a retried payment replays that long), then swept.
 */
@Entity({ name: "webhook_events" })
// One receiver's events, newest first, paged by id (ids are time-ordered).
@Index("IDX_webhook_events_receiver", ["receiver", "id"])
// The retention sweep.
@Index("IDX_webhook_events_created", ["createdAt"])
export class WebhookEventEntity {
  /** The event's id: the body's `id` and the X-Wallet-Event-Id header. */
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  /** "store:<id>" or "partner:<id>", as the outbox names the destination. */
  @Column({ type: "varchar", length: 100 }) receiver: string;
  @Column({ type: "varchar", length: 64 }) type: string;
  /** The webhook's body, byte for byte. */
  @Column({ type: "text" }) body: string;
  @TimeColumn() createdAt: Date;
  /** When `redeliverEvent` last sent it again: once a minute at most. */
  @TimeColumn({ nullable: true }) redeliveredAt: Date | null;
}
