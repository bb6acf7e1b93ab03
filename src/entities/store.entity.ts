import { Entity, PrimaryColumn, Column } from "typeorm";
import { TimeColumn } from "./columns";

@Entity({ name: "stores" })
export class StoreEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "varchar", length: 3 }) currency: string;
  @Column({ type: "varchar", length: 36, nullable: true }) programId: string | null;
  /**
   * IANA time zone the store's day is counted in (its report, its payouts, its bills
   * collected). Set once, when the store is made: its day sums are kept by the dates it
   * gives (store-day-sums.service.ts), and instances keep it without asking again.
   */
  @Column({ type: "varchar", length: 64, default: "UTC" }) timeZone: string;
  /** Where the store's back office hears of its payments and bills; null: nowhere. */
  @Column({ type: "varchar", length: 500, nullable: true }) webhookUrl: string | null;
  /** The webhook secret, sealed as partners' are (services/webhook-secrets.ts). */
  @Column({ type: "varchar", length: 200, nullable: true }) webhookSecretCiphertext: string | null;
  @Column({ type: "varchar", length: 16, nullable: true }) webhookSecretKeyId: string | null;
  @TimeColumn() createdAt: Date;
}
