import { Entity, PrimaryColumn, Column } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * HELD: points taken from the lots for a card payment that is not decided yet (nothing
 * earned yet); SETTLED: done (a settlePoints at once, a payment once approved); RELEASED:
 * the payment was not charged and the held points went back to their lots.
 */
export type PointSettlementState = "HELD" | "SETTLED" | "RELEASED";

/** Where redeemed points came from, so they go back to the same lots (with their own expiry). */
export interface HeldLot {
  lotId: string;
  points: number;
}

/**
 * One settlement of points at a register: by settlePoints (paid in cash), or with a card
 * payment (redeemCode with a member code): what was redeemed, earned and taken off, and
 * what refunds of that payment have reversed since.
 */
@Entity({ name: "point_settlements" })
export class PointSettlementEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() membershipId: string;
  @IdColumn() storeId: string;
  @Column({ type: "int" }) purchaseAmount: number;
  @Column({ type: "int" }) pointsRedeemed: number;
  @Column({ type: "int" }) pointsEarned: number;
  @Column({ type: "int" }) discount: number;
  @TimeColumn() createdAt: Date;
  @Column({ type: "varchar", length: 10, default: "SETTLED" }) state: PointSettlementState;
  /** With a card payment: the lots the redeemed points were taken from. */
  @Column({ type: "simple-json", nullable: true }) heldLots: HeldLot[] | null;
  /** Redeemed points given back by refunds of the payment. */
  @Column({ type: "int", default: 0 }) pointsReturned: number;
  /** Earned points taken back by refunds of the payment. */
  @Column({ type: "int", default: 0 }) pointsTakenBack: number;
  /** Earned points a refund should have taken back but the member had already spent. */
  @Column({ type: "int", default: 0 }) shortfall: number;
}
