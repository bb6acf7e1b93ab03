import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

export type LedgerEntryType = "SALE" | "VOID" | "REFUND";

/** The account ledger: append-only; a void or refund is a new, negative entry. */
@Entity({ name: "ledger_entries" })
@Index("IDX_ledger_payment", ["paymentId"])
@Index("IDX_ledger_customer", ["customerId"])
// A store's day (storeReport).
@Index("IDX_ledger_store_time", ["storeId", "createdAt"])
export class LedgerEntryEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() paymentId: string;
  @IdColumn() customerId: string;
  @IdColumn() storeId: string;
  @Column({ type: "varchar", length: 10 }) entryType: LedgerEntryType;
  @Column({ type: "int" }) amount: number;
  @Column({ type: "varchar", length: 3 }) currency: string;
  @TimeColumn() createdAt: Date;
}
