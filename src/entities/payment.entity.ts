import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";
import type { PaymentStatus } from "./value-lists";

export interface SaleItem {
  name: string;
  quantity: number;
  unitPrice: number;
}

/**
 * One sale at one register. Card display data is copied in at creation so the history
 * reads without joins and stays right if the card is later removed.
 */
@Entity({ name: "payments" })
@Index("IDX_payments_customer", ["customerId", "id"])
@Index("IDX_payments_store", ["storeId", "id"])
@Index("IDX_payments_processing", ["status", "processingDeadline"])
// A store's search (paymentSearch): newest first, by time, by status, by reference.
@Index("IDX_payments_store_created", ["storeId", "createdAt", "id"])
@Index("IDX_payments_store_status", ["storeId", "status", "createdAt", "id"])
@Index("IDX_payments_store_reference", ["storeId", "reference", "createdAt", "id"])
// A store finding its customer again by the number on a receipt (lookupMember).
@Index("IDX_payments_store_customer_number", ["storeId", "customerNumber"])
@Index("IDX_payments_authorized", ["status", "decidedAt"])
export class PaymentEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 24 }) status: PaymentStatus;
  @Column({ type: "int" }) amount: number;
  @Column({ type: "varchar", length: 3 }) currency: string;
  @Column({ type: "simple-json" }) items: SaleItem[];
  @Column({ type: "varchar", length: 64, nullable: true }) reference: string | null;
  @IdColumn() storeId: string;
  @Column({ type: "varchar", length: 100 }) storeName: string;
  @IdColumn() customerId: string;
  @IdColumn() cardId: string;
  @IdColumn({ nullable: true }) codeId: string | null;
  @Column({ type: "varchar", length: 100 }) cardInstitution: string;
  @Column({ type: "varchar", length: 20 }) cardBrand: string;
  @Column({ type: "varchar", length: 4 }) cardLast4: string;
  @Column({ type: "varchar", length: 6, nullable: true }) approvalNumber: string | null;
  @Column({ type: "varchar", length: 64, nullable: true }) declineReason: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) decidedAt: Date | null;
  /**
   * Set when the payment becomes PROCESSING: the instance asking the institution stops
   * waiting at this moment, so a payment still PROCESSING well past it was left by a crash.
   */
  @TimeColumn({ nullable: true }) processingDeadline: Date | null;
  /** The sum of the refunds so far (refunds table); never above `amount`. */
  @Column({ type: "int", default: 0 }) refundedAmount: number;
  /**
   * The point settlement made with this payment when a member code came with it (points
   * held in its first transaction, settled or given back with its decision); null otherwise.
   */
  @IdColumn({ nullable: true }) pointsSettlementId: string | null;
  /**
   * A sale made with capture later (redeemCode capture: false): what the institution
   * authorized. `amount` is the authorized amount until capture, the captured amount after.
   * Null for a sale captured at once.
   */
  @Column({ type: "int", nullable: true }) authorizedAmount: number | null;
  /** When an authorization was captured; null otherwise. */
  @TimeColumn({ nullable: true }) capturedAt: Date | null;
  /** The bill this payment pays (collectBill by card): settled or released with its decision; null otherwise. */
  @IdColumn({ nullable: true }) billId: string | null;
  /** The day whose daily limits this payment was counted in (daily-limit.service.ts); null: not counted, or given back. */
  @Column({ type: "varchar", length: 10, nullable: true }) dailyLimitDay: string | null;
  /** The customer's number at this store (docs/customer-number.md), kept so the store can find the customer by it; null on payments made before it was kept. */
  @Column({ type: "varchar", length: 10, nullable: true }) customerNumber: string | null;
}
