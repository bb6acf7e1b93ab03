import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A points program, run by a partner (a store group's HQ). Earning is kept as an exact
 * rational: points = floor(amount * pointsPerUnitMicros / 1e6), so 0.29 points per yen
 * on 100 yen is 29 points, not the 28 that floating point would give.
 */
@Entity({ name: "programs" })
@Index("IDX_programs_partner", ["partnerId"])
export class ProgramEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() partnerId: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "int" }) pointsPerUnitMicros: number;
  /** Money off per point, in the minor unit of the store's currency. */
  @Column({ type: "int" }) pointValue: number;
  @Column({ type: "int" }) expiryDays: number;
  /** Messages sent: written by each send, so sends racing on two Galera nodes conflict. */
  @Column({ type: "int", default: 0 }) messageSends: number;
  @TimeColumn() createdAt: Date;
}
