import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { CardKind, CardStatus } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A customer's card. The PAN exists only as AES-256-GCM ciphertext (panCiphertext,
 * under key panKeyId); brand, last four and expiry are the only card data in the clear.
 */
@Entity({ name: "cards" })
@Index("UQ_cards_customer_selector", ["customerId", "selector"], { unique: true })
@Index("UQ_cards_customer_fingerprint", ["customerId", "panFingerprint"], { unique: true })
export class CardEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 8 }) selector: string;
  @Column({ type: "varchar", length: 10 }) kind: CardKind;
  @Column({ type: "varchar", length: 100 }) institution: string;
  @Column({ type: "varchar", length: 20 }) brand: string;
  @Column({ type: "varchar", length: 4 }) last4: string;
  @Column({ type: "int" }) expiryMonth: number;
  @Column({ type: "int" }) expiryYear: number;
  @Column({ type: "varchar", length: 100 }) holderName: string;
  @Column({ type: "varchar", length: 50, nullable: true }) label: string | null;
  @Column({ type: "varchar", length: 16 }) status: CardStatus;
  @Column({ type: "varchar", length: 200 }) panCiphertext: string;
  @Column({ type: "varchar", length: 16 }) panKeyId: string;
  /** Keyed hash of the PAN: finds a card added twice without decrypting anything. */
  @Column({ type: "varchar", length: 64 }) panFingerprint: string;
  /** The fingerprint key's id (null: made before key ids were kept; the key sweep fills it in). */
  @Column({ type: "varchar", length: 16, nullable: true }) panFingerprintKeyId: string | null;
  @TimeColumn() createdAt: Date;
  /** When the customer removed the card (null: in the wallet); the row stays for the payments that name it. */
  @TimeColumn({ nullable: true }) removedAt: Date | null;
}
