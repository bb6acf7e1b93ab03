import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** MySQL hands a BIGINT back as a string; an authenticator's counter stays within 2^32. */
const bigintAsNumber = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/**
 * A WebAuthn credential (a platform authenticator: fingerprint, face or the device's own
 * PIN) a customer registered to say it is they who hold the phone. Only its public key
 * (COSE) is kept. `counter` is the authenticator's signature counter last accepted; an
 * assertion whose counter goes backwards is refused (a cloned authenticator), by a
 * conditional UPDATE (devices/user-verification.service.ts).
 */
@Entity({ name: "passkeys" })
@Index("UQ_passkeys_credential", ["credentialId"], { unique: true })
@Index("IDX_passkeys_customer", ["customerId"])
export class PasskeyEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  /** The authenticator's credential id, base64url. */
  @Column({ type: "varchar", length: 255 }) credentialId: string;
  @Column({ type: "blob" }) publicKey: Buffer;
  @Column({ type: "bigint", default: 0, transformer: bigintAsNumber }) counter: number;
  /** How the browser reaches the authenticator ("internal", "hybrid", ...), comma-separated. */
  @Column({ type: "varchar", length: 100, nullable: true }) transports: string | null;
  @Column({ type: "varchar", length: 50 }) name: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
}
