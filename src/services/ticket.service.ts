import { createHash } from "node:crypto";
import { IsNull, MoreThan, type EntityManager } from "typeorm";
import { AdmissionEntity, CustomerEntity, EventEntity, TicketEntity } from "../entities";
import { affectedRows } from "../database";
import { judgeScan, showsTicket, type AdmissionResult, type DenialReason } from "./admission-rules";
import type { Caller } from "./caller";
import type { IssuedCode } from "./code.service";
import { MAX_CODE_TTL_SECONDS } from "./code.service";
import type { ServiceDeps } from "./deps";
import { ErrorCode, badInput, fail, forbidden, notFound } from "./errors";
import { requireCustomer, requireGate, requirePartner } from "./guards";
import { newId } from "./ids";
import { confirmPassword } from "./password-check";
import { isUniqueViolation } from "../database";
import { optionalText, requirePhone, requireText } from "./validation";
import { countWrongCode, refuseWhileOverLimit } from "./wrong-code-limit";


export interface TicketView {
  ticket: TicketEntity;
  event: EventEntity;
  releasedAt: Date;
}

export interface AdmissionDecision {
  result: AdmissionResult;
  reason: DenialReason | null;
  ticket: TicketView | null;
  admittedCount: number;
  at: Date;
}

export interface EventInput {
  title: string;
  venue: string;
  startsAt: Date;
  doorsOpenAt: Date;
  releaseMinutesBeforeDoors?: number | null;
}

export interface PostTicketInput {
  eventId: string;
  issueNumber: string;
  holderPhone: string;
  seat?: string | null;
  usesAllowed?: number | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

const DEFAULT_RELEASE_MINUTES = 60;
const HOUR_MS = 3_600_000;

/**
 * Tickets: a shop posts them for phone numbers, the phone shows a signed code from the
 * release time, a gate admits each use exactly once, and the holder may allot a ticket
 * to a friend's phone, which makes every earlier code stop working.
 */
export class TicketService {
  constructor(private readonly deps: ServiceDeps) {}

  async createEvent(caller: Caller, input: EventInput): Promise<EventEntity> {
    const { partnerId } = requirePartner(caller);
    if (input.doorsOpenAt > input.startsAt) badInput("doorsOpenAt must not be after startsAt", { field: "doorsOpenAt" });
    const release = input.releaseMinutesBeforeDoors ?? DEFAULT_RELEASE_MINUTES;
    if (!Number.isInteger(release) || release < 0 || release > 60 * 24 * 30) {
      badInput("releaseMinutesBeforeDoors must be 0 to 43200", { field: "releaseMinutesBeforeDoors" });
    }
    const event = Object.assign(new EventEntity(), {
      id: newId(),
      partnerId,
      title: requireText(input.title, "title", 200),
      venue: requireText(input.venue, "venue", 200),
      startsAt: input.startsAt,
      doorsOpenAt: input.doorsOpenAt,
      releaseMinutesBeforeDoors: release,
      admittedCount: 0,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((m) => m.insert(EventEntity, event));
    return event;
  }

  /** Idempotent on (shop, issue number); the event must be the shop's own. */
  async postTicket(caller: Caller, input: PostTicketInput): Promise<TicketView> {
    const { partnerId } = requirePartner(caller);
    const event = await this.ownEvent(partnerId, input.eventId);
    const usesAllowed = input.usesAllowed ?? 1;
    if (!Number.isInteger(usesAllowed) || usesAllowed < 1 || usesAllowed > 10_000) badInput("usesAllowed must be 1 to 10000", { field: "usesAllowed" });
    const validFrom = input.validFrom ?? event.doorsOpenAt;
    const validUntil = input.validUntil ?? new Date(event.startsAt.getTime() + 12 * HOUR_MS);
    if (validUntil <= validFrom) badInput("validUntil must be after validFrom", { field: "validUntil" });
    const content = {
      eventId: event.id,
      holderPhone: requirePhone(input.holderPhone, "holderPhone"),
      seat: optionalText(input.seat, "seat", 50),
      usesAllowed,
      validFrom: validFrom.toISOString(),
      validUntil: validUntil.toISOString(),
    };
    const issueNumber = requireText(input.issueNumber, "issueNumber", 64);
    const ticket = Object.assign(new TicketEntity(), {
      id: newId(),
      partnerId,
      issueNumber,
      ...content,
      holderVersion: 1,
      usesLeft: usesAllowed,
      validFrom,
      validUntil,
      contentHash: createHash("sha256").update(JSON.stringify(content)).digest("hex"),
      revokedAt: null,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx((m) => m.insert(TicketEntity, ticket));
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
      await this.deps.db.tx((m) =>
        m
          .createQueryBuilder()
          .update(TicketEntity)
          .set({ revokedAt: this.deps.clock.now(), holderVersion: () => "holderVersion + 1" })
          .where("id = :id AND revokedAt IS NULL", { id: ticket.id })
          .execute(),
      );
    }
    return this.viewById(ticket.id);
  }

  /** The tickets this phone number holds now: not revoked, not past their validity. */
  async tickets(caller: Caller): Promise<TicketView[]> {
    const { customerId } = requireCustomer(caller);
    const rows = await this.deps.db.read(async (m) => {
      const { phone } = await m.findOneByOrFail(CustomerEntity, { id: customerId });
      return m.find(TicketEntity, {
        where: { holderPhone: phone, revokedAt: IsNull(), validUntil: MoreThan(this.deps.clock.now()) },
        order: { validFrom: "ASC" },
      });
    });
    return Promise.all(rows.map((ticket) => this.viewById(ticket.id)));
  }

  /** A signed code for the holder, from the release time on (TICKET_NOT_RELEASED before). */
  async issueTicketCode(caller: Caller, ticketId: string, password: string): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const { ticket, event, releasedAt } = await this.heldTicket(customerId, ticketId);
    const now = this.deps.clock.now();
    if (now < releasedAt) fail(ErrorCode.TICKET_NOT_RELEASED, "Ticket codes are not released yet", { releasedAt: releasedAt.toISOString() });
    await confirmPassword(this.deps, session, password);
    const ttl = Math.min(this.deps.config.ticketCodeTtlSeconds, MAX_CODE_TTL_SECONDS);
    const expiresAt = new Date(Math.min(now.getTime() + ttl * 1000, ticket.validUntil.getTime()));
    const code = this.deps.tickets.sign({
      t: ticket.id,
      e: event.id,
      v: ticket.holderVersion,
      vf: seconds(ticket.validFrom),
      vu: seconds(ticket.validUntil),
      x: seconds(expiresAt),
    });
    return { code, kind: "TICKET", expiresAt };
  }

  /** Gives the ticket to an acquaintance's phone number; earlier codes stop working. */
  async allotTicket(caller: Caller, ticketId: string, toPhoneInput: string): Promise<TicketView> {
    const { customerId } = requireCustomer(caller);
    const toPhone = requirePhone(toPhoneInput, "toPhone");
    const { ticket } = await this.heldTicket(customerId, ticketId);
    if (ticket.holderPhone === toPhone) badInput("The ticket is already held by this phone", { field: "toPhone" });
    const moved = await this.deps.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(TicketEntity)
        .set({ holderPhone: toPhone, holderVersion: () => "holderVersion + 1" })
        .where("id = :id AND holderVersion = :version AND revokedAt IS NULL", { id: ticket.id, version: ticket.holderVersion })
        .execute(),
    );
    if (affectedRows(moved) !== 1) badInput("The ticket changed meanwhile; read it again");
    return this.viewById(ticket.id);
  }

  /** For a gate's lookup: the ticket behind a code, if the signature holds. */
  async describeTicket(caller: Caller, code: string): Promise<{ expiresAt: Date; ticket: TicketView }> {
    const { partnerId } = requireGate(caller);
    const claims = this.deps.tickets.verify(code.trim());
    if (!claims) return fail(ErrorCode.CODE_INVALID, "This is not a valid ticket code");
    const ticket = await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: claims.t }));
    if (!ticket || ticket.partnerId !== partnerId) return fail(ErrorCode.CODE_INVALID, "This is not a valid ticket code");
    if (claims.x * 1000 <= this.deps.clock.now().getTime()) fail(ErrorCode.CODE_EXPIRED, "This ticket code has expired");
    return { expiresAt: new Date(claims.x * 1000), ticket: await this.viewById(ticket.id) };
  }

  /**
   * The gate's question, decided by the rules in admission-rules.ts. A denial is an
   * answer, not an error. An admission takes one use with a conditional UPDATE (right
   * version, not revoked, a use left), so of several gates scanning one code at the same
   * instant exactly one admits each use.
   */
  async admitTicket(caller: Caller, code: string, eventId: string, gate: string | null): Promise<AdmissionDecision> {
    const { partnerId, apiKeyId } = requireGate(caller);
    refuseWhileOverLimit(this.deps, apiKeyId);
    const event = await this.ownEvent(partnerId, eventId);
    const gateName = gate ? requireText(gate, "gate", 50) : null;
    const now = this.deps.clock.now();
    const claims = this.deps.tickets.verify(code.trim());
    const ticket = claims && (await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: claims.t })));
    const judgement = judgeScan({ claims, ticket, partnerId, eventId: event.id, now });
    // Guessing is counted, and over the limit answered RATE_LIMITED with nothing recorded.
    if (judgement.denied && judgement.wrongCode) await countWrongCode(this.deps, apiKeyId);

    const decision = await this.deps.db.tx(async (m): Promise<AdmissionDecision> => {
      let reason: DenialReason | null = judgement.denied;
      if (judgement.denied === null) {
        const used = await m
          .createQueryBuilder()
          .update(TicketEntity)
          .set({ usesLeft: () => "usesLeft - 1" })
          .where("id = :id AND usesLeft > 0 AND holderVersion = :version AND revokedAt IS NULL", {
            id: judgement.ticket.id,
            version: judgement.claims.v,
          })
          .execute();
        if (affectedRows(used) === 1) {
          await m.createQueryBuilder().update(EventEntity).set({ admittedCount: () => "admittedCount + 1" }).where("id = :id", { id: event.id }).execute();
        } else reason = "ALREADY_USED";
      }
      const result = reason ? "DENIED" : "ADMITTED";
      await m.insert(AdmissionEntity, { id: newId(), eventId: event.id, ticketId: ticket?.id ?? null, gate: gateName, result, reason, at: now });
      const { admittedCount } = await m.findOneByOrFail(EventEntity, { id: event.id });
      const shown = ticket && showsTicket(reason) ? await this.viewIn(m, ticket.id) : null;
      return { result, reason, ticket: shown, admittedCount, at: now };
    });
    this.deps.events.admission(event.id, decision);
    return decision;
  }

  async attendance(caller: Caller, eventId: string): Promise<{ eventId: string; ticketsIssued: number; admitted: number }> {
    const event = await this.eventOfCaller(caller, eventId);
    const ticketsIssued = await this.deps.db.read((m) => m.countBy(TicketEntity, { eventId, revokedAt: IsNull() }));
    return { eventId: event.id, ticketsIssued, admitted: event.admittedCount };
  }

  /** The event, if the caller is one of its gates or its shop (FORBIDDEN otherwise). */
  async eventOfCaller(caller: Caller, eventId: string): Promise<EventEntity> {
    const partnerId = caller.kind === "gate" ? requireGate(caller).partnerId : requirePartner(caller).partnerId;
    return this.ownEvent(partnerId, eventId);
  }

  ticketSigningKey(): string {
    return this.deps.tickets.publicKeyPem;
  }

  private async ownEvent(partnerId: string, eventId: string): Promise<EventEntity> {
    const event = await this.deps.db.read((m) => m.findOneBy(EventEntity, { id: eventId }));
    if (!event) return notFound("event");
    if (event.partnerId !== partnerId) forbidden("This event belongs to another partner");
    return event;
  }

  private async heldTicket(customerId: string, ticketId: string): Promise<TicketView> {
    const [ticket, customer] = await this.deps.db.read((m) =>
      Promise.all([m.findOneBy(TicketEntity, { id: ticketId }), m.findOneByOrFail(CustomerEntity, { id: customerId })]),
    );
    if (!ticket || ticket.holderPhone !== customer.phone || ticket.revokedAt) return notFound("ticket");
    return this.viewById(ticket.id);
  }

  private viewById(id: string): Promise<TicketView> {
    return this.deps.db.read((m) => this.viewIn(m, id));
  }

  private async viewIn(m: EntityManager, id: string): Promise<TicketView> {
    const ticket = await m.findOneByOrFail(TicketEntity, { id });
    return this.view(ticket, await m.findOneByOrFail(EventEntity, { id: ticket.eventId }));
  }

  private view(ticket: TicketEntity, event: EventEntity): TicketView {
    const releasedAt = new Date(event.doorsOpenAt.getTime() - event.releaseMinutesBeforeDoors * 60_000);
    return { ticket, event, releasedAt };
  }
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
