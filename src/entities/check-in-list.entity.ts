import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A check-in list of an event: who a gate scanning for it admits (every ticket of the
 * event, or those named in check_in_list_tickets) and when (`opensAt`, `closesAt`): a day
 * of a festival, a VIP area. Admissions name their list, so each list is counted.
 */
@Entity({ name: "check_in_lists" })
@Index("UQ_check_in_lists_event_name", ["eventId", "name"], { unique: true })
export class CheckInListEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() eventId: string;
  @Column({ type: "varchar", length: 50 }) name: string;
  /** 1: every ticket of the event; 0: only the tickets named on it. */
  @Column({ type: "int", default: 1 }) allTickets: number;
  @TimeColumn({ nullable: true }) opensAt: Date | null;
  @TimeColumn({ nullable: true }) closesAt: Date | null;
  @TimeColumn() createdAt: Date;
}

/** A ticket named on a check-in list that does not take every ticket. */
@Entity({ name: "check_in_list_tickets" })
@Index("IDX_check_in_list_tickets_ticket", ["ticketId"])
export class CheckInListTicketEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) listId: string;
  @PrimaryColumn({ type: "varchar", length: 36 }) ticketId: string;
}
