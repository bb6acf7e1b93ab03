import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * EARN and REDEEM at a settlement; a refund of a payment made with points gives back
 * redeemed points (RETURN, positive) and takes back earned ones (TAKE_BACK, negative);
 * ADJUST is the program's partner adding or taking points by hand, with a reason.
 */
export type PointMovementKind = "EARN" | "REDEEM" | "RETURN" | "TAKE_BACK" | "ADJUST";

/** The program's change feed: every earning and redemption (and their reversals), in id (time) order. */
@Entity({ name: "point_movements" })
@Index("IDX_point_movements_program", ["programId", "id"])
// Who used their membership in a period (messages to a segment).
@Index("IDX_point_movements_program_time", ["programId", "createdAt", "membershipId"])
// A store's day (storeReport).
@Index("IDX_point_movements_store_time", ["storeId", "createdAt"])
export class PointMovementEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() programId: string;
  @IdColumn() membershipId: string;
  @Column({ type: "varchar", length: 16 }) memberNumber: string;
  @Column({ type: "varchar", length: 10 }) kind: PointMovementKind;
  /** Positive for an earning, negative for a redemption. */
  @Column({ type: "int" }) points: number;
  @IdColumn() storeId: string;
  @IdColumn() settlementId: string;
  @TimeColumn({ nullable: true }) expiresAt: Date | null;
  @TimeColumn() createdAt: Date;
  /** ADJUST: why, as the partner wrote it. */
  @Column({ type: "varchar", length: 200, nullable: true }) reason: string | null;
  /** ADJUST: the partner's API key that made it. */
  @Column({ type: "varchar", length: 36, nullable: true }) actorId: string | null;
}
