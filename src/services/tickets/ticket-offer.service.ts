import { Brackets, In } from "typeorm";
import { CustomerEntity, EventEntity, TicketEntity, TicketOfferEntity } from "../../entities";
import type { Tx } from "../../database";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, forbidden, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { byId } from "../kernel/status-table";
import { optionalText, requirePhone } from "../kernel/validation";
import { OFFER_MOVES, type TicketOfferStatus } from "./offer-states";
import { maskPhone, type TicketService } from "./ticket.service";

/** An offer stands this long unless the ticket's validity ends sooner. */
export const OFFER_HOURS = 48;
/** Offers a phone is shown: its open ones and those answered lately, newest first. */
const OFFERS_SHOWN = 50;

/** An offer as one of its two phones sees it: the giver's number is masked for the receiver. */
export interface TicketOfferView {
  id: string;
  ticketId: string;
  status: TicketOfferStatus;
  event: EventEntity;
  seat: string | null;
  fromPhone: string;
  toPhone: string;
  /** Whether the caller is the receiver (who may accept or decline) rather than the giver (who may cancel). */
  incoming: boolean;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
}

/**
 * A ticket offered, then accepted: the holder offers an unused ticket to a phone number,
 * the receiver is told (live, on `ticketOffers`, and in its list of offers) and accepts
 * or declines; the giver may cancel while it is offered. The ticket moves only on
 * accept, in the same transaction as the accept's UPDATE, by the ticket table's `pass`
 * move on the holder version the offer was made at, so a ticket used, revoked, allotted
 * or taken back meanwhile is not moved (and the offer expires). `allotTicket` stays as
 * the contract has it: an immediate handing-on, for a holder who needs no answer.
 */
export class TicketOfferService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly tickets: TicketService,
  ) {}

  async offerTicket(caller: Caller, ticketId: string, toPhoneInput: string): Promise<TicketOfferView> {
    const { customerId } = requireCustomer(caller);
    const toPhone = requirePhone(toPhoneInput, "toPhone");
    const { ticket, event } = await this.tickets.heldTicket(customerId, ticketId);
    if (ticket.holderPhone === toPhone) badInput("The ticket is already held by this phone", { field: "toPhone" });
    if (ticket.usesLeft < ticket.usesAllowed) forbidden("A ticket that has been used cannot be passed on");
    if (event.maxTransfers === 0) forbidden("Tickets of this event cannot be passed on");
    const now = this.deps.clock.now();
    const offer = Object.assign(new TicketOfferEntity(), {
      id: newId(),
      ticketId: ticket.id,
      fromPhone: ticket.holderPhone,
      toPhone,
      holderVersion: ticket.holderVersion,
      status: "OFFERED" as const,
      createdAt: now,
      expiresAt: new Date(Math.min(now.getTime() + OFFER_HOURS * 3_600_000, ticket.validUntil.getTime())),
      decidedAt: null,
    });
    await this.deps.db.tx(async (tx) => {
      await this.expireStale(tx, { ticketId: ticket.id });
      // One open offer per ticket: the giver cancels it to offer the ticket to someone else.
      if ((await tx.countBy(TicketOfferEntity, { ticketId: ticket.id, status: "OFFERED" })) > 0) forbidden("This ticket is offered already; cancel that offer first");
      await tx.insert(TicketOfferEntity, offer);
    });
    await this.tell(offer);
    return this.viewOf(offer, event, ticket.seat, false);
  }

  /**
   * The receiver takes the ticket: the offer's UPDATE (still OFFERED, to this phone, not
   * expired) and the ticket's move from the offer's holder version are one transaction;
   * `attendeeName` is the name the gate will show (none: the shop's name is cleared).
   */
  async acceptTicketOffer(caller: Caller, offerId: string, attendeeNameInput?: string | null): Promise<TicketOfferView> {
    const phone = await this.phoneOf(caller);
    const attendeeName = optionalText(attendeeNameInput, "attendeeName", 100);
    const now = this.deps.clock.now();
    const moved = await this.deps.db.tx(async (tx) => {
      const accept = OFFER_MOVES.update("accept", byId(offerId), { phone, now });
      if ((await tx.write(accept.sql, accept.params)) !== 1) return false;
      const offer = await tx.findOneByOrFail(TicketOfferEntity, { id: offerId });
      const ticket = await tx.findOneByOrFail(TicketEntity, { id: offer.ticketId });
      const event = await tx.findOneByOrFail(EventEntity, { id: ticket.eventId });
      const hand = { ticketId: offer.ticketId, fromPhone: offer.fromPhone, toPhone: phone, version: offer.holderVersion, now, attendeeName };
      // The ticket moved on since the offer (used, revoked, allotted): the accept is rolled back with this refusal, and the offer expires below.
      if (!(await this.tickets.handOn(tx, event, hand))) forbidden("The ticket has changed since it was offered");
      return true;
    }).catch(async (error) => {
      // The accept was rolled back with the refused move: the offer can never succeed now, so it expires.
      await this.deps.db.tx((tx) => this.expireStale(tx, { id: offerId }));
      throw error;
    });
    return this.answered(offerId, phone, moved, "accept");
  }

  async declineTicketOffer(caller: Caller, offerId: string): Promise<TicketOfferView> {
    const phone = await this.phoneOf(caller);
    const move = OFFER_MOVES.update("decline", byId(offerId), { phone, now: this.deps.clock.now() });
    const moved = (await this.deps.db.tx((tx) => tx.write(move.sql, move.params))) === 1;
    return this.answered(offerId, phone, moved, "decline");
  }

  /** The giver withdraws an offer nobody has answered. */
  async cancelTicketOffer(caller: Caller, offerId: string): Promise<TicketOfferView> {
    const phone = await this.phoneOf(caller);
    const move = OFFER_MOVES.update("cancel", byId(offerId), { phone, now: this.deps.clock.now() });
    const moved = (await this.deps.db.tx((tx) => tx.write(move.sql, move.params))) === 1;
    return this.answered(offerId, phone, moved, "cancel");
  }

  /** The offers this phone made or was made, open ones and those answered, newest first; stale ones read as EXPIRED. */
  async ticketOffers(caller: Caller): Promise<TicketOfferView[]> {
    const phone = await this.phoneOf(caller);
    await this.deps.db.tx((tx) => this.expireStale(tx, { phone }));
    const rows = await this.deps.db.read(
      (m) =>
        m
          .createQueryBuilder(TicketOfferEntity, "o")
          .where(new Brackets((w) => w.where("o.toPhone = :phone", { phone }).orWhere("o.fromPhone = :phone", { phone })))
          .orderBy("o.createdAt", "DESC")
          .addOrderBy("o.id", "DESC")
          .limit(OFFERS_SHOWN)
          .getMany(),
      { fresh: true },
    );
    return this.viewsFor(rows, phone);
  }

  /** After an answer or a cancel: the offer as it is now, or why this phone's move did not happen. */
  private async answered(offerId: string, phone: string, moved: boolean, move: "accept" | "decline" | "cancel"): Promise<TicketOfferView> {
    if (!moved) await this.deps.db.tx((tx) => this.expireStale(tx, { id: offerId }));
    const offer = await this.deps.db.read((m) => m.findOneBy(TicketOfferEntity, { id: offerId }), { fresh: true });
    const mine = offer && (move === "cancel" ? offer.fromPhone === phone : offer.toPhone === phone);
    if (!offer || !mine) return notFound("ticket offer");
    if (!moved) badInput(offer.status === "EXPIRED" ? "This offer has expired" : `This offer is ${offer.status.toLowerCase()} already`, { status: offer.status });
    await this.tell(offer);
    const [view] = await this.viewsFor([offer], phone);
    return view;
  }

  /** OFFERED rows past their time, or whose ticket moved on, become EXPIRED (one UPDATE). */
  private async expireStale(tx: Tx, rows: { id?: string; ticketId?: string; phone?: string }): Promise<void> {
    const now = this.deps.clock.now();
    const where = rows.id
      ? byId(rows.id)
      : rows.ticketId
        ? { sql: "ticketId = ?", params: [rows.ticketId] }
        : { sql: "(toPhone = ? OR fromPhone = ?)", params: [rows.phone, rows.phone] };
    const { sql, params } = OFFER_MOVES.update("expire", where, { now });
    await tx.write(sql, params);
  }

  /** Both phones hear of an offer's every change (live, after the commit that made it), if they are enrolled. */
  private async tell(offer: TicketOfferEntity): Promise<void> {
    const customers = await this.deps.db.read((m) => m.find(CustomerEntity, { where: { phone: In([offer.fromPhone, offer.toPhone]) } }));
    const ticket = await this.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: offer.ticketId }));
    const event = await this.deps.db.read((m) => m.findOneByOrFail(EventEntity, { id: ticket.eventId }));
    for (const customer of customers) this.deps.events.ticketOfferChanged(customer.id, this.viewOf(offer, event, ticket.seat, customer.phone === offer.toPhone));
  }

  private async viewsFor(rows: TicketOfferEntity[], phone: string): Promise<TicketOfferView[]> {
    if (rows.length === 0) return [];
    return this.deps.db.read(async (m) => {
      const tickets = await m.find(TicketEntity, { where: { id: In(rows.map((r) => r.ticketId)) } });
      const events = await m.find(EventEntity, { where: { id: In([...new Set(tickets.map((t) => t.eventId))]) } });
      return rows.map((offer) => {
        const ticket = tickets.find((t) => t.id === offer.ticketId)!;
        return this.viewOf(offer, events.find((e) => e.id === ticket.eventId)!, ticket.seat, offer.toPhone === phone);
      });
    });
  }

  private viewOf(offer: TicketOfferEntity, event: EventEntity, seat: string | null, incoming: boolean): TicketOfferView {
    return {
      id: offer.id,
      ticketId: offer.ticketId,
      status: offer.status,
      event,
      seat,
      fromPhone: incoming ? maskPhone(offer.fromPhone) : offer.fromPhone,
      toPhone: offer.toPhone,
      incoming,
      createdAt: offer.createdAt,
      expiresAt: offer.expiresAt,
      decidedAt: offer.decidedAt,
    };
  }

  private async phoneOf(caller: Caller): Promise<string> {
    const { customerId } = requireCustomer(caller);
    const { phone } = await this.deps.db.read((m) => m.findOneByOrFail(CustomerEntity, { id: customerId }), { fresh: true });
    return phone;
  }
}
