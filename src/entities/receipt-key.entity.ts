import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * A key that has signed receipts, as the key set publishes it: from the first moment an
 * instance signed with it, until the operator retired it (RECEIPT_SIGNING_KEYS_RETIRED).
 */
@Entity({ name: "receipt_keys" })
export class ReceiptKeyEntity {
  @PrimaryColumn({ type: "varchar", length: 16 }) keyId: string;
  /** Ed25519, base64url of the 32 raw bytes. */
  @Column({ type: "varchar", length: 43 }) publicKey: string;
  @TimeColumn() since: Date;
  @TimeColumn({ nullable: true }) until: Date | null;
}
