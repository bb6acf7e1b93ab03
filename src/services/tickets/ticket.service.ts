import { createHash } from "node:crypto";
import { IsNull, MoreThan, type EntityManager } from "typeorm";
import { AdmissionEntity, CustomerEntity, EventEntity, TicketEntity, TicketTransferEntity } from "../../entities";
import { ROTATION_PERIOD_SECONDS } from "../../../clients/wire/rotation";
import { rotatingCredential } from "../../../clients/wire/compact-ticket";
import { rotatingKeysOf } from "./rotating-keys";
import type { Approval } from "../kernel/approval";
import type { Caller } from "../kernel/caller";
import type { DeviceService } from "../devices/device.service";
import type { IssuedCode } from "../codes/code.service";
import { MAX_CODE_TTL_SECONDS } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, forbidden, notFound } from "../kernel/errors";
import type { TicketEventService } from "./ticket-event.service";
import type { ChangeHooks } from "../kernel/change-hooks";
import { requireCustomer, requireGate, requirePartner } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { byId } from "../kernel/status-table";
import { TICKET_MOVES } from "./ticket-states";
import { TallyMoves } from "./tallies";
import { nameOnLists } from "./check-in-lists";
import { isUniqueViolation, type Tx } from "../../database";
import { optionalText, requirePhone, requireText } from "../kernel/validation";

export interface TicketView {
  ticket: TicketEntity;
  event: EventEntity;
  releasedAt: Date;
}

export interface PostTicketInput {
  eventId: string;
  issueNumber: string;
  holderPhone: string;
  seat?: string | null;
  usesAllowed?: number | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  /** A pass: a use sooner than this after the last one is DENIED with TOO_SOON. */
  minMinutesBetweenUses?: number | null;
  /** The attendee's name, shown at the gate with the seat and found by its search. */
  attendeeName?: string | null;
  /** The event's check-in lists that name this ticket (lists that take every ticket need not). */
  checkInListIds?: string[] | null;
}

/** One use of a ticket: when and at which gate it was admitted. */
export interface TicketUse {
  at: Date;
  gate: string | null;
}

/** One allotment as the caller may see it (phone numbers masked where it did not know them). */
export interface TicketTransferView {
  fromPhone: string;
  toPhone: string;
  at: Date;
  takenBackAt: Date | null;
}

const HOUR_MS = 3_600_000;

/**
 * Tickets: a shop posts them for phone numbers on its events, the phone shows a signed
 * code from the release time (a gate admits it: admission.service.ts), and the holder
 * may allot a ticket to a friend's phone, which makes every earlier code stop working.
 */
export class TicketService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
    private readonly devices: DeviceService,
    private readonly changes: ChangeHooks,
  ) {}

  /** Idempotent on (shop, issue number); the event must be the shop's own. */
  async postTicket(caller: Caller, input: PostTicketInput): Promise<TicketView> {
    const { partnerId } = requirePartner(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, input.eventId);
    const usesAllowed = input.usesAllowed ?? 1;
    if (!Number.isInteger(usesAllowed) || usesAllowed < 1 || usesAllowed > 10_000) badInput("usesAllowed must be 1 to 10000", { field: "usesAllowed" });
    const validFrom = input.validFrom ?? event.doorsOpenAt;
    const validUntil = input.validUntil ?? new Date(event.startsAt.getTime() + 12 * HOUR_MS);
    if (validUntil <= validFrom) badInput("validUntil must be after validFrom", { field: "validUntil" });
    const minMinutesBetweenUses = input.minMinutesBetweenUses ?? null;
    if (minMinutesBetweenUses !== null && (!Number.isInteger(minMinutesBetweenUses) || minMinutesBetweenUses < 1 || minMinutesBetweenUses > 10_080)) {
      badInput("minMinutesBetweenUses must be 1 to 10080", { field: "minMinutesBetweenUses" });
    }
    const attendeeName = optionalText(input.attendeeName?.trim() || null, "attendeeName", 100);
    const checkInListIds = [...new Set(input.checkInListIds ?? [])].sort();
    const content = {
      eventId: event.id,
      holderPhone: requirePhone(input.holderPhone, "holderPhone"),
      seat: optionalText(input.seat, "seat", 50),
      usesAllowed,
      validFrom: validFrom.toISOString(),
      validUntil: validUntil.toISOString(),
      // Only when given, so a ticket posted before passes existed hashes as it did.
      ...(minMinutesBetweenUses !== null ? { minMinutesBetweenUses } : {}),
      ...(attendeeName !== null ? { attendeeName } : {}),
      ...(checkInListIds.length > 0 ? { checkInListIds } : {}),
    };
    const issueNumber = requireText(input.issueNumber, "issueNumber", 64);
    const ticket = Object.assign(new TicketEntity(), {
      id: newId(),
      partnerId,
      issueNumber,
      ...columnsOf(content),
      holderVersion: 1,
      usesLeft: usesAllowed,
      validFrom,
      validUntil,
      contentHash: createHash("sha256").update(JSON.stringify(content)).digest("hex"),
      revokedAt: null,
      createdAt: this.deps.clock.now(),
      minMinutesBetweenUses,
      lastUsedAt: null,
      inside: 0,
      movedAt: null,
      updatedAt: this.deps.clock.now(),
      attendeeName,
    });
    try {
      await this.deps.db.tx(async (tx) => {
        await tx.insert(TicketEntity, ticket);
        new TallyMoves(event.id).ticketsIssued(1).atCommit(tx, this.deps.db.isMysql);
        await nameOnLists(tx, event.id, ticket.id, checkInListIds);
        await this.tellHolder(tx, ticket.holderPhone, ticket.id, event);
      });
      return this.view(ticket, event);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await this.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { partnerId, issueNumber }));
    if (existing.contentHash !== ticket.contentHash) {
      fail(ErrorCode.IDEMPOTENCY_CONFLICT, "A ticket with this issue number was posted with other content");
    }
    return this.view(existing, event);
  }

  async revokeTicket(caller: Caller, issueNumber: string): Promise<TicketView> {
    const { partnerId } = requirePartner(caller);
    const ticket = await this.deps.db.read((m) => m.findOneBy(TicketEntity, { partnerId, issueNumber }));
    if (!ticket) return notFound("ticket");
    if (!ticket.revokedAt) {
      // Revoked once: a second revocation (racing or repeated) finds it REVOKED and changes nothing.
      const { sql, params } = TICKET_MOVES.update("revoke", byId(ticket.id), { now: this.deps.clock.now() });
      await this.deps.db.tx(async (tx) => {
        if ((await tx.write(sql, params)) !== 1) return;
        new TallyMoves(ticket.eventId).ticketsIssued(-1).atCommit(tx, this.deps.db.isMysql);
        await this.changes.changed(tx, "ticket", ticket.id);
      });
    }
    return this.viewById(ticket.id);
  }

  /** The shop's own ticket by its issue number (to read its uses and allotments). */
  async shopTicket(caller: Caller, issueNumber: string): Promise<TicketView> {
    const { partnerId } = requirePartner(caller);
    const ticket = await this.deps.db.read((m) => m.findOneBy(TicketEntity, { partnerId, issueNumber }));
    if (!ticket) return notFound("ticket");
    return this.viewById(ticket.id);
  }

  /** The tickets this phone number holds now: not revoked, not past their validity. */
  async tickets(caller: Caller): Promise<TicketView[]> {
    const { customerId } = requireCustomer(caller);
    // A ticket issued, transferred or scanned a moment ago may have been written through another
    // database node; the views read after it on this node see at least as much.
    const rows = await this.deps.db.read(
      async (m) => {
        const { phone } = await m.findOneByOrFail(CustomerEntity, { id: customerId });
        return m.find(TicketEntity, {
          where: { holderPhone: phone, revokedAt: IsNull(), validUntil: MoreThan(this.deps.clock.now()) },
          order: { validFrom: "ASC" },
        });
      },
      { fresh: true },
    );
    return Promise.all(rows.map((ticket) => this.viewById(ticket.id)));
  }

  /** A signed code for the holder, from the release time on (TICKET_NOT_RELEASED before). */
  async issueTicketCode(caller: Caller, ticketId: string, approval: Approval): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { ticket, event, now } = await this.releasedTicket(session.customerId, ticketId);
    await this.devices.approve(session, approval, "issueTicketCode", { ticketId });
    const ttl = Math.min(this.deps.config.ticketCodeTtlSeconds, MAX_CODE_TTL_SECONDS);
    const expiresAt = new Date(Math.min(now.getTime() + ttl * 1000, ticket.validUntil.getTime()));
    const code = this.deps.ticketSigner.sign({
      t: ticket.id,
      e: event.id,
      v: ticket.holderVersion,
      vf: seconds(ticket.validFrom),
      vu: seconds(ticket.validUntil),
      x: seconds(expiresAt),
    });
    return { code, kind: "TICKET", expiresAt };
  }

  /**
   * The code a Wallet pass carries (docs/passes.md): a static T3 code of the ticket's
   * current holder version that lasts as long as the ticket is valid. A gate admits it by
   * the same rule as any code (signature, event, holder version, validity, one admission
   * per use); an allotment, a take-back or a revocation moves the holder version, and it
   * stops working, as every earlier code of the holder does.
   */
  passCode({ ticket, event }: Pick<TicketView, "ticket" | "event">): string {
    return this.deps.ticketSigner.sign({ t: ticket.id, e: event.id, v: ticket.holderVersion, vf: seconds(ticket.validFrom), vu: seconds(ticket.validUntil), x: seconds(ticket.validUntil) });
  }

  /** A ticket this phone holds whose codes are released, counted against its code-issue limit. */
  async releasedTicket(customerId: string, ticketId: string) {
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const { ticket, event, releasedAt } = await this.heldTicket(customerId, ticketId);
    const now = this.deps.clock.now();
    if (now < releasedAt) fail(ErrorCode.TICKET_NOT_RELEASED, "Ticket codes are not released yet", { releasedAt: releasedAt.toISOString() });
    return { ticket, event, now };
  }

  /**
   * A rotating ticket for this phone's device: a credential naming the ticket, its event
   * and holder version ("T4:", clients/wire/compact-ticket.ts). The phone turns it into a
   * new code every ROTATION_PERIOD_SECONDS by signing the window with the device key
   * (clients/device-key.ts `rotatingTicketCode`), without asking again, for as long as
   * the ticket is valid. The code carries no key, so it stays small: the server and a
   * gate's snapshot know the holder's device keys (rotating-keys.ts). A gate checks the
   * signature and takes only a current window, so a screenshot is worth nothing (STALE).
   * Approved by the device's proof, from the release time on.
   */
  async issueRotatingTicket(caller: Caller, ticketId: string, proof: Exclude<Approval, string>): Promise<{ credential: string; periodSeconds: number; expiresAt: Date }> {
    const session = requireCustomer(caller);
    const { ticket, event } = await this.releasedTicket(session.customerId, ticketId);
    await this.devices.approvingDevice(session, proof, "issueRotatingTicket", { ticketId });
    const credential = rotatingCredential({ t: ticket.id, e: event.id, v: ticket.holderVersion });
    return { credential, periodSeconds: ROTATION_PERIOD_SECONDS, expiresAt: ticket.validUntil };
  }

  /**
   * Gives the ticket to an acquaintance's phone number; earlier codes stop working. Only
   * an unused ticket moves (no use taken, checked by the same UPDATE that moves it, so a
   * gate admitting it at the same instant wins or loses whole), and no more often than
   * its event allows. Each allotment is kept for the shop's chain.
   */
  async allotTicket(caller: Caller, ticketId: string, toPhoneInput: string): Promise<TicketView> {
    const { customerId } = requireCustomer(caller);
    const toPhone = requirePhone(toPhoneInput, "toPhone");
    const { ticket, event } = await this.heldTicket(customerId, ticketId);
    if (ticket.holderPhone === toPhone) badInput("The ticket is already held by this phone", { field: "toPhone" });
    if (ticket.usesLeft < ticket.usesAllowed) forbidden("A ticket that has been used cannot be passed on");
    const now = this.deps.clock.now();
    await this.deps.db.tx(async (tx) => {
      // The shop's attendee name was the giver's: the friend's ticket shows none.
      const moved = await this.handOn(tx, event, { ticketId: ticket.id, fromPhone: ticket.holderPhone, toPhone, version: ticket.holderVersion, now, attendeeName: null });
      if (!moved) badInput("The ticket changed meanwhile; read it again");
    });
    return this.viewById(ticket.id);
  }

  /** The phone a ticket now belongs to hears of it with the app closed (push/), when it is enrolled. */
  private async tellHolder(tx: Tx, phone: string, ticketId: string, event: EventEntity): Promise<void> {
    const holder = await tx.findOne(CustomerEntity, { select: { id: true }, where: { phone } });
    if (holder) this.deps.notices?.tell(tx, holder.id, { kind: "ticket", ticketId, eventName: event.title, startsAt: event.startsAt.toISOString() });
  }

  /**
   * Every handing-on of a ticket (an allotment, an accepted offer) in the caller's
   * transaction: within the event's limit, the ticket table's `pass` move from the holder
   * version the giver saw (false when the ticket moved on meanwhile: used, revoked,
   * passed on), and the allotment kept for the chain.
   */
  async handOn(tx: Tx, event: EventEntity, hand: { ticketId: string; fromPhone: string; toPhone: string; version: number; now: Date; attendeeName: string | null }): Promise<boolean> {
    const standing = await tx.countBy(TicketTransferEntity, { ticketId: hand.ticketId, takenBackAt: IsNull() });
    if (event.maxTransfers !== null && standing >= event.maxTransfers) {
      forbidden(event.maxTransfers === 0 ? "Tickets of this event cannot be passed on" : "This ticket cannot be passed on again");
    }
    const { ticketId, fromPhone, toPhone, version, now, attendeeName } = hand;
    const pass = TICKET_MOVES.update("pass", byId(ticketId), { toPhone, version, now, attendeeName });
    if ((await tx.write(pass.sql, pass.params)) !== 1) return false;
    await tx.insert(TicketTransferEntity, { id: newId(), ticketId, fromPhone, toPhone, at: now, takenBackAt: null });
    // The giver's pass is voided and the receiver's made (passes/, through the change hooks).
    await this.changes.changed(tx, "ticket", ticketId);
    // The receiver is told, with the app closed too (push/).
    await this.tellHolder(tx, toPhone, ticketId, event);
    return true;
  }

  /**
   * The giver takes back the ticket it allotted last, until the ticket is used: the
   * friend's codes stop working (the holder version moves).
   */
  async takeBackTicket(caller: Caller, ticketId: string): Promise<TicketView> {
    const { customerId } = requireCustomer(caller);
    const now = this.deps.clock.now();
    await this.deps.db.tx(async (tx) => {
      const { phone } = await tx.findOneByOrFail(CustomerEntity, { id: customerId });
      const [last] = await tx.find(TicketTransferEntity, { where: { ticketId, takenBackAt: IsNull() }, order: { at: "DESC", id: "DESC" }, take: 1 });
      if (!last || last.fromPhone !== phone) return notFound("ticket");
      const ticket = await tx.findOneByOrFail(TicketEntity, { id: ticketId });
      if (ticket.revokedAt || ticket.holderPhone !== last.toPhone) return notFound("ticket");
      if (ticket.usesLeft < ticket.usesAllowed) forbidden("The ticket has been used; it cannot be taken back");
      const pass = TICKET_MOVES.update("pass", byId(ticketId), { toPhone: phone, version: ticket.holderVersion, now });
      const moved = await tx.write(pass.sql, pass.params);
      if (moved !== 1) badInput("The ticket changed meanwhile; read it again");
      await tx.write("UPDATE ticket_transfers SET takenBackAt = ? WHERE id = ?", [now, last.id]);
      await this.changes.changed(tx, "ticket", ticketId);
    });
    return this.viewById(ticketId);
  }

  /** A ticket's uses: when and at which gate each was admitted, oldest first. */
  async usesOf(ticketId: string): Promise<TicketUse[]> {
    const rows = await this.deps.db.read((m) => m.find(AdmissionEntity, { where: { ticketId, tookUse: 1 }, order: { at: "ASC", id: "ASC" } }));
    return rows.map(({ at, gate }) => ({ at, gate }));
  }

  /**
   * The allotments of a ticket as the caller may see them: its shop, the whole chain (it
   * sold to phone numbers anyway); a phone, the allotments it made (to numbers it typed)
   * and the one that gave it the ticket, the giver's number masked; a gate, none (null).
   */
  async transfersOf(caller: Caller, ticketId: string): Promise<TicketTransferView[] | null> {
    if (caller.kind === "gate") return null;
    const rows = await this.deps.db.read((m) => m.find(TicketTransferEntity, { where: { ticketId }, order: { at: "ASC", id: "ASC" } }));
    if (caller.kind === "partner") return rows.map(({ fromPhone, toPhone, at, takenBackAt }) => ({ fromPhone, toPhone, at, takenBackAt }));
    const { customerId } = requireCustomer(caller);
    const { phone } = await this.deps.db.read((m) => m.findOneByOrFail(CustomerEntity, { id: customerId }));
    return rows.flatMap(({ fromPhone, toPhone, at, takenBackAt }) => {
      if (fromPhone === phone) return [{ fromPhone, toPhone, at, takenBackAt }];
      if (toPhone === phone) return [{ fromPhone: maskPhone(fromPhone), toPhone, at, takenBackAt }];
      return [];
    });
  }

  /** For a gate's lookup: the ticket behind a code, if the signature holds. */
  async describeTicket(caller: Caller, code: string): Promise<{ expiresAt: Date; ticket: TicketView }> {
    const { partnerId } = requireGate(caller);
    const claims = await this.deps.ticketSigner.verify(code.trim(), this.deps.clock.now(), (id) => this.deps.db.read((m) => rotatingKeysOf(m, id)));
    if (!claims) return fail(ErrorCode.CODE_INVALID, "This is not a valid ticket code");
    const ticket = await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: claims.t }));
    if (!ticket || ticket.partnerId !== partnerId) return fail(ErrorCode.CODE_INVALID, "This is not a valid ticket code");
    if (claims.x * 1000 <= this.deps.clock.now().getTime()) fail(ErrorCode.CODE_EXPIRED, "This ticket code has expired");
    return { expiresAt: new Date(claims.x * 1000), ticket: await this.viewById(ticket.id) };
  }

  ticketSigningKey(): string {
    return this.deps.ticketSigner.publicKeyPem;
  }

  /** A ticket this phone holds now (NOT_FOUND otherwise). */
  async heldTicket(customerId: string, ticketId: string): Promise<TicketView> {
    // The partner may have posted or moved the ticket a moment ago, through another instance and database node.
    const [ticket, customer] = await this.deps.db.read(
      (m) => Promise.all([m.findOneBy(TicketEntity, { id: ticketId }), m.findOneByOrFail(CustomerEntity, { id: customerId })]),
      { fresh: true },
    );
    if (!ticket || ticket.holderPhone !== customer.phone || ticket.revokedAt) return notFound("ticket");
    return this.viewById(ticket.id);
  }

  private viewById(id: string): Promise<TicketView> {
    return this.deps.db.read((m) => this.viewIn(m, id));
  }

  /** The ticket as a view, read inside `m`'s transaction. */
  /** The ticket as shown; `event`, when the caller has it already, saves reading it again. */
  async viewIn(m: EntityManager, id: string, event?: EventEntity): Promise<TicketView> {
    const ticket = await m.findOneByOrFail(TicketEntity, { id });
    const itsEvent = event?.id === ticket.eventId ? event : await m.findOneByOrFail(EventEntity, { id: ticket.eventId });
    return this.view(ticket, itsEvent);
  }

  private view(ticket: TicketEntity, event: EventEntity): TicketView {
    const releasedAt = new Date(event.doorsOpenAt.getTime() - event.releaseMinutesBeforeDoors * 60_000);
    return { ticket, event, releasedAt };
  }
}

/** The ticket's own columns among what its hash covers (the lists naming it are rows of their own). */
const columnsOf = <C extends { checkInListIds?: string[] }>({ checkInListIds: _lists, ...columns }: C) => columns;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Only the last two digits: enough for a friend to recognise who gave the ticket. */
export const maskPhone = (phone: string): string => `${"•".repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;
