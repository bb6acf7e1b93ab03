import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * Points earned together, expiring together. Redemption takes from the lots that expire
 * first, each with a conditional UPDATE (`remaining >= taken`), so the balance can never
 * go below zero however many settlements race. An expired lot simply stops counting:
 * every read filters on expiresAt, no batch job has to run first.
 */
@Entity({ name: "point_lots" })
@Index("IDX_point_lots_membership", ["membershipId", "expiresAt"])
export class PointLotEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() membershipId: string;
  @Column({ type: "int" }) points: number;
  @Column({ type: "int" }) remaining: number;
  @TimeColumn() expiresAt: Date;
  @TimeColumn() createdAt: Date;
}
