import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** CANCELLED: the register voided the sale before the phone answered. */
export type ConfirmationAnswer = "APPROVED" | "REJECTED" | "EXPIRED" | "CANCELLED";

/**
 * A payment waiting for the customer's OK on the phone. It lives in the database, not
 * in memory, so it survives a restart and any server instance can answer or expire it.
 * `answer` is set once, by a conditional UPDATE.
 */
@Entity({ name: "confirmation_requests" })
@Index("UQ_confirmations_payment", ["paymentId"], { unique: true })
@Index("IDX_confirmations_customer", ["customerId", "answer"])
@Index("IDX_confirmations_due", ["answer", "expiresAt"])
@Index("IDX_confirmations_answered", ["answeredAt"])
export class ConfirmationRequestEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() paymentId: string;
  @IdColumn() customerId: string;
  @IdColumn() storeId: string;
  @TimeColumn() expiresAt: Date;
  @Column({ type: "varchar", length: 10, nullable: true }) answer: ConfirmationAnswer | null;
  @TimeColumn({ nullable: true }) answeredAt: Date | null;
  @TimeColumn() createdAt: Date;
}
