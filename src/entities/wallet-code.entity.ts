import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { CodeKind } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A one-time code. Only a keyed hash of the digits is stored; `usedAt` is set by a
 * conditional UPDATE, so the database decides who used it first.
 */
@Entity({ name: "wallet_codes" })
@Index("UQ_codes_hash", ["codeHash"], { unique: true })
@Index("IDX_codes_customer", ["customerId"])
@Index("IDX_codes_expires", ["expiresAt"])
export class WalletCodeEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 64 }) codeHash: string;
  /** The code-hash key's id (null: made before key ids were kept). */
  @Column({ type: "varchar", length: 16, nullable: true }) codeKeyId: string | null;
  @Column({ type: "varchar", length: 10 }) kind: CodeKind;
  @IdColumn() customerId: string;
  @IdColumn({ nullable: true }) cardId: string | null;
  /** MEMBER codes: the membership they show. */
  @IdColumn({ nullable: true }) membershipId: string | null;
  /** BILL codes: the bill they pay. */
  @IdColumn({ nullable: true }) billId: string | null;
  @Column({ type: "int", nullable: true }) maxAmount: number | null;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) usedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
