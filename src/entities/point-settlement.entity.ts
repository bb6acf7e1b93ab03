import { Entity, PrimaryColumn, Column } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** One settlePoints at a register: what was redeemed, earned and taken off. */
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
}
