import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** A concert, match or journey a ticket shop sells tickets for. */
@Entity({ name: "events" })
@Index("IDX_events_partner", ["partnerId"])
export class EventEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() partnerId: string;
  @Column({ type: "varchar", length: 200 }) title: string;
  @Column({ type: "varchar", length: 200 }) venue: string;
  @TimeColumn() startsAt: Date;
  @TimeColumn() doorsOpenAt: Date;
  /** Ticket codes can be had from this many minutes before doors open. */
  @Column({ type: "int" }) releaseMinutesBeforeDoors: number;
  /** 1: a single-entry ticket may come back in after an exit. */
  @Column({ type: "int", default: 0 }) allowReentry: number;
  /** How many times a ticket may be passed on; null: no limit, 0: never. */
  @Column({ type: "int", nullable: true }) maxTransfers: number | null;
  @TimeColumn() createdAt: Date;
}
