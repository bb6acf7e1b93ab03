import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** Courtesy and discount information a program shows its members. */
@Entity({ name: "offers" })
@Index("IDX_offers_program", ["programId"])
export class OfferEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() programId: string;
  @Column({ type: "varchar", length: 100 }) title: string;
  @Column({ type: "varchar", length: 1000 }) description: string;
  @TimeColumn({ nullable: true }) validUntil: Date | null;
  @TimeColumn() createdAt: Date;
}
