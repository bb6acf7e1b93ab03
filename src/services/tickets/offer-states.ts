import { StatusTable, sql, type Move } from "../kernel/status-table";
import { TICKET_OFFER_STATUSES, type TicketOfferStatus } from "../../entities/value-lists";

export { TICKET_OFFER_STATUSES, type TicketOfferStatus };

/** An answer by the receiver: who answers, and when (it must be before the offer expires). */
interface Answer {
  phone: string;
  now: Date;
}

const decidedAt = ({ now }: { now: Date }) => [sql("decidedAt = ?", now)];

/**
 * A ticket offered to another phone number, answered once: the receiver accepts or
 * declines before `expiresAt`, the giver cancels while it is offered, and an offer
 * nobody answered in time, or whose ticket moved on, expires (moved when someone acts on it or reads it). Whichever
 * UPDATE comes first decides; the ticket itself moves only with an accept, in the same
 * transaction, on the holder version the offer was made at (ticket.service.ts).
 */
export const OFFER_MOVES = new StatusTable({
  noun: "ticket offer",
  table: "ticket_offers",
  statuses: TICKET_OFFER_STATUSES,
  status: { column: "status", values: { OFFERED: "OFFERED", ACCEPTED: "ACCEPTED", DECLINED: "DECLINED", CANCELLED: "CANCELLED", EXPIRED: "EXPIRED" } },
  moves: {
    accept: {
      from: ["OFFERED"],
      to: ["ACCEPTED"],
      also: ({ phone, now }) => sql("toPhone = ? AND expiresAt > ?", phone, now),
      set: decidedAt,
    } as Move<TicketOfferStatus, Answer>,
    decline: {
      from: ["OFFERED"],
      to: ["DECLINED"],
      also: ({ phone, now }) => sql("toPhone = ? AND expiresAt > ?", phone, now),
      set: decidedAt,
    } as Move<TicketOfferStatus, Answer>,
    // The giver changes their mind while nobody has answered; at any time, even past expiry.
    cancel: { from: ["OFFERED"], to: ["CANCELLED"], also: ({ phone }) => sql("fromPhone = ?", phone), set: decidedAt } as Move<TicketOfferStatus, Answer>,
    // Nobody answered in time, or the ticket moved on meanwhile (used, revoked, allotted,
    // taken back: its holder version is no longer the offer's), so accepting could never succeed.
    expire: {
      from: ["OFFERED"],
      to: ["EXPIRED"],
      also: ({ now }) => sql("(expiresAt <= ? OR holderVersion <> (SELECT t.holderVersion FROM tickets t WHERE t.id = ticket_offers.ticketId) OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_offers.ticketId AND t.usesLeft < t.usesAllowed))", now),
      set: decidedAt,
    } as Move<TicketOfferStatus, { now: Date }>,
  },
});
