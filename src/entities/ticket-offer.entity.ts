import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";
import type { TicketOfferStatus } from "./value-lists";

/**
 * A ticket offered by its holder to another phone number: it moves only when the
 * receiver accepts, from the holder version it was offered at (services/tickets/offer-states.ts).
 */
@Entity({ name: "ticket_offers" })
@Index("IDX_ticket_offers_to", ["toPhone", "status"])
@Index("IDX_ticket_offers_ticket", ["ticketId", "status"])
export class TicketOfferEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() ticketId: string;
  @Column({ type: "varchar", length: 16 }) fromPhone: string;
  @Column({ type: "varchar", length: 16 }) toPhone: string;
  @Column({ type: "int" }) holderVersion: number;
  /** OFFERED, ACCEPTED, DECLINED, CANCELLED; an OFFERED row past `expiresAt` reads as EXPIRED. */
  @Column({ type: "varchar", length: 12 }) status: TicketOfferStatus;
  @TimeColumn() createdAt: Date;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) decidedAt: Date | null;
}
