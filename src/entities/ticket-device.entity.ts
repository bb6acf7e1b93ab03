import { Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * A device the holder bound to a ticket for compact rotating codes (issueRotatingTicket),
 * at the holder version it held then: its key signs the ticket's T4 codes, and a gate
 * learns the key from its snapshot. An allotment moves the holder version, so the
 * giver's devices sign for the ticket no more.
 */
@Entity({ name: "ticket_devices" })
export class TicketDeviceEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) ticketId: string;
  @PrimaryColumn({ type: "varchar", length: 36 }) deviceId: string;
  @PrimaryColumn({ type: "int" }) holderVersion: number;
  @TimeColumn() createdAt: Date;
}
