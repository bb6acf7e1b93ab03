import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";
import { BigIntColumn } from "./big-int-column";

/**
 * A signed receipt (clients/wire/receipt.ts): the body as its canonical JSON, exactly the
 * bytes that were signed, and the key and signature. A decision's transaction only
 * inserts it; the books' sealer gives it its place in the log (`leafIndex`) afterwards, so
 * no counter is shared between payments.
 */
@Entity({ name: "receipts" })
@Index("IDX_receipts_object", ["objectId"])
@Index("IDX_receipts_customer", ["customerId", "id"])
@Index("UQ_receipts_leaf", ["leafIndex"], { unique: true })
@Index("IDX_receipts_kept", ["droppedAt", "createdAt"])
export class ReceiptEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 32 }) kind: string;
  @IdColumn() objectId: string;
  /** Whose it is, for the phone's list: never shown in the receipt itself. */
  @IdColumn({ nullable: true }) customerId: string | null;
  @IdColumn({ nullable: true }) storeId: string | null;
  /**
   * Null once dropped after RECEIPT_RETENTION_DAYS (upkeep/retention.service.ts): its leaf
   * hash stays in merkle_nodes, so the books still verify and prove without it.
   */
  @Column({ type: "text", nullable: true }) body: string | null;
  @Column({ type: "varchar", length: 16 }) keyId: string;
  @Column({ type: "varchar", length: 100 }) signature: string;
  @TimeColumn() createdAt: Date;
  /** Its place in the books; null until the sealer reaches it. */
  @BigIntColumn({ nullable: true }) leafIndex: number | null;
  /** When its body was dropped; null while it is kept. */
  @TimeColumn({ nullable: true }) droppedAt: Date | null;
}
