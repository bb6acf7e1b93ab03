import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * An Apple device registered for a pass's updates (Apple's web service: POST
 * /v1/devices/{device}/registrations/{passType}/{serial}), with the push token APNs
 * reaches it by. A 410 from APNs for the token removes its rows.
 */
@Entity({ name: "wallet_pass_devices" })
@Index("UQ_wallet_pass_devices_device_pass", ["deviceLibraryId", "passId"], { unique: true })
@Index("IDX_wallet_pass_devices_pass", ["passId"])
@Index("IDX_wallet_pass_devices_token", ["pushToken"])
export class WalletPassDeviceEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 128 }) deviceLibraryId: string;
  @Column({ type: "varchar", length: 200 }) pushToken: string;
  @IdColumn() passId: string;
  @TimeColumn() createdAt: Date;
}
