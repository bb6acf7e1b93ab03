import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * One allotment of a ticket, from one phone to another: the chain the ticket shop reads.
 * `takenBackAt` is set when the giver took the ticket back before it was used.
 */
@Entity({ name: "ticket_transfers" })
@Index("IDX_ticket_transfers_ticket", ["ticketId", "at"])
export class TicketTransferEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() ticketId: string;
  @Column({ type: "varchar", length: 16 }) fromPhone: string;
  @Column({ type: "varchar", length: 16 }) toPhone: string;
  @TimeColumn() at: Date;
  @TimeColumn({ nullable: true }) takenBackAt: Date | null;
}
