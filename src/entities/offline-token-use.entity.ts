import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * An offline payment token taken: its device and nonce (unique, so a token pays once)
 * and what it paid, so the device's offline limits (an amount and a count a day) are
 * summed from these rows.
 */
@Entity({ name: "offline_token_uses" })
@Index("UQ_offline_token_nonce", ["deviceId", "nonce"], { unique: true })
@Index("IDX_offline_token_recent", ["deviceId", "createdAt"])
export class OfflineTokenUseEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() deviceId: string;
  @Column({ type: "varchar", length: 64 }) nonce: string;
  @IdColumn() paymentId: string;
  @Column({ type: "int" }) amount: number;
  @TimeColumn() createdAt: Date;
}
