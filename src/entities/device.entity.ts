import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { DeviceAlgorithm } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/** MySQL hands a BIGINT back as a string; the counter stays within 2^53 - 1 (device-proof-text.ts). */
const bigintAsNumber = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/**
 * A phone's own key pair, registered once with the password: only the public key is
 * kept (SubjectPublicKeyInfo DER). `counter` is the last proof counter accepted; a proof
 * is taken only with a greater one, by a conditional UPDATE (device.service.ts).
 */
@Entity({ name: "devices" })
@Index("IDX_devices_customer", ["customerId", "revokedAt"])
/** A gate's snapshot refresh reads the devices registered and revoked since its last: their keys sign rotating ticket codes. */
@Index("IDX_devices_created", ["createdAt"])
@Index("IDX_devices_revoked", ["revokedAt"])
export class DeviceEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 50 }) name: string;
  @Column({ type: "varchar", length: 10 }) algorithm: DeviceAlgorithm;
  @Column({ type: "blob" }) publicKey: Buffer;
  @Column({ type: "bigint", default: 0, transformer: bigintAsNumber }) counter: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  /** What offline tokens of this device may pay in any 24 hours, set by the customer; null: the operator's maximum. */
  @Column({ type: "int", nullable: true }) offlineMaxAmount: number | null;
  @Column({ type: "int", nullable: true }) offlineMaxCount: number | null;
  /** Offline payments claimed: written by each claim, so claims racing on two Galera nodes conflict. */
  @Column({ type: "int", default: 0 }) offlineClaims: number;
}
