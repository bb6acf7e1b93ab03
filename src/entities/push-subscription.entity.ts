import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A phone's Web Push subscription (the Push API's PushSubscription), tied to the session
 * that registered it and, when given, the device key of that phone: ending the session or
 * revoking the device deletes it in the same transaction (access/, devices/). The endpoint
 * is the push service's URL for this browser; `p256dh` and `auth` are the browser's keys
 * (base64url) that each payload is encrypted to (RFC 8291). One row per endpoint: a
 * browser registering again replaces its row.
 */
@Entity({ name: "push_subscriptions" })
@Index("UQ_push_subscriptions_endpoint", ["endpointHash"], { unique: true })
@Index("IDX_push_subscriptions_customer", ["customerId"])
@Index("IDX_push_subscriptions_session", ["sessionId"])
@Index("IDX_push_subscriptions_device", ["deviceId"])
@Index("IDX_push_subscriptions_expires", ["expiresAt"])
export class PushSubscriptionEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  @IdColumn() sessionId: string;
  @IdColumn({ nullable: true }) deviceId: string | null;
  /** SHA-256 of the endpoint, hex: endpoints run to hundreds of characters, too long for a unique index on MySQL. */
  @Column({ type: "varchar", length: 64 }) endpointHash: string;
  @Column({ type: "text" }) endpoint: string;
  @Column({ type: "varchar", length: 200 }) p256dh: string;
  @Column({ type: "varchar", length: 100 }) auth: string;
  /** What the customer sees in the list: the browser's own description, shortened. */
  @Column({ type: "varchar", length: 100 }) label: string;
  @TimeColumn() createdAt: Date;
  /** Its session's expiry (sessions are not extended): the retention sweep deletes it after, as it does the session. */
  @TimeColumn() expiresAt: Date;
  /** The last push the push service accepted; null until one. */
  @TimeColumn({ nullable: true }) lastPushedAt: Date | null;
}
