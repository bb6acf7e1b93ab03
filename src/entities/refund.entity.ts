import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * One refund of part (or all) of an approved payment. The payment keeps the running
 * total (`refundedAmount`); each refund is its own row, with its own negative ledger
 * entry and its own report to the institution, so a day's refunds can be summed.
 */
@Entity({ name: "refunds" })
@Index("IDX_refunds_payment", ["paymentId"])
export class RefundEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() paymentId: string;
  @Column({ type: "int" }) amount: number;
  /** The register's idempotency key, when it sent one. */
  @Column({ type: "varchar", length: 128, nullable: true }) idempotency: string | null;
  @TimeColumn() createdAt: Date;
}
