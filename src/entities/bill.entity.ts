import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { Tender } from "./value-lists";
import type { StoredBillStatus } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A bill an online store or utility posted for a phone number. It is matched to the
 * customer by phone number when read, so a bill posted before the customer enrolled
 * shows up as soon as they do. Paying is a conditional UPDATE from OPEN, so a bill is
 * paid at most once whichever registers race.
 */
@Entity({ name: "bills" })
@Index("UQ_bills_partner_reference", ["partnerId", "reference"], { unique: true })
@Index("IDX_bills_phone", ["customerPhone", "id"])
// The bills a store collected on a day (its hand-over and its report).
@Index("IDX_bills_store_paid", ["paidAtStoreId", "paidAt"])
// A biller's search (billSearch), newest first, and by status.
@Index("IDX_bills_partner_created", ["partnerId", "createdAt", "id"])
@Index("IDX_bills_partner_status", ["partnerId", "status", "createdAt", "id"])
// The overdue sweep: unpaid, not yet told, by due date.
@Index("IDX_bills_overdue", ["overdueNotifiedAt", "status", "dueDate"])
export class BillEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() partnerId: string;
  @Column({ type: "varchar", length: 64 }) reference: string;
  @Column({ type: "varchar", length: 16 }) customerPhone: string;
  @Column({ type: "int" }) amount: number;
  @Column({ type: "varchar", length: 3 }) currency: string;
  @Column({ type: "varchar", length: 500, nullable: true }) description: string | null;
  @TimeColumn() dueDate: Date;
  @Column({ type: "varchar", length: 10 }) status: StoredBillStatus;
  /** What postBill was asked, hashed: the same reference with other content is a conflict. */
  @Column({ type: "varchar", length: 64 }) contentHash: string;
  @TimeColumn({ nullable: true }) paidAt: Date | null;
  @IdColumn({ nullable: true }) paidAtStoreId: string | null;
  @Column({ type: "varchar", length: 100, nullable: true }) paidAtStoreName: string | null;
  @Column({ type: "varchar", length: 10, nullable: true }) tender: Tender | null;
  /**
   * The card payment paying this bill (it waits for the institution or the phone: no
   * other collection may start) or, once PAID by card, the one that paid it. Null for a
   * bill no card payment holds.
   */
  @IdColumn({ nullable: true }) paymentId: string | null;
  @TimeColumn() createdAt: Date;
  /** When `bill.overdue` was sent (once, by the sweep that marked it); null until then. */
  @TimeColumn({ nullable: true }) overdueNotifiedAt: Date | null;
}
