import { GateAuditEntity, TicketEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import { requireGate, requirePartner } from "../kernel/guards";
import { auditGate } from "./gate-audit";
import type { TicketEventService } from "./ticket-event.service";

/** What a gate is shown of a ticket it found: enough to admit the visitor, no phone number. */
export interface GateSearchHit {
  ticketId: string;
  issueNumber: string;
  attendeeName: string | null;
  seat: string | null;
  usesAllowed: number;
  usesLeft: number;
  inside: boolean;
  revoked: boolean;
}

/** Hits a search returns at most: a gate looks for one visitor. */
export const SEARCH_HITS = 10;
/** The shortest search: fewer characters would list the event's attendees. */
export const SEARCH_MIN_CHARS = 2;

/**
 * The gate's search for a visitor without a phone: by attendee name (a part of it, any
 * case) or by ticket number (exact). Names are personal data: only a gate of the event's
 * shop searches, each search takes a try of the gate's limit, is audited (who, when, how
 * many found; never what was asked), and the words asked are in no log or error.
 * The gate then admits by the ticket's id (AdmissionService.admitTicketById).
 */
export class GateSearchService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
  ) {}

  async search(caller: Caller, eventId: string, queryInput: string): Promise<GateSearchHit[]> {
    const { partnerId, apiKeyId } = requireGate(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    const query = queryInput.trim().replace(/\s+/g, " ");
    if ([...query].length < SEARCH_MIN_CHARS || query.length > 100) badInput(`A search is ${SEARCH_MIN_CHARS} to 100 characters`, { field: "query" });
    await this.deps.rateLimits.consume("gateSearchPerGate", apiKeyId);
    // "!" escapes LIKE's wildcards the same way on MySQL and SQLite.
    const pattern = `%${query.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const rows = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(TicketEntity, "t")
        .where("t.eventId = :eventId", { eventId: event.id })
        .andWhere("(t.issueNumber = :query OR LOWER(t.attendeeName) LIKE :pattern ESCAPE '!')", { query, pattern })
        .orderBy("t.attendeeName", "ASC")
        .addOrderBy("t.issueNumber", "ASC")
        .limit(SEARCH_HITS)
        .getMany(),
    );
    await this.deps.db.tx((tx) => auditGate(tx, { eventId: event.id, apiKeyId, action: "SEARCH", hits: rows.length, at: this.deps.clock.now() }));
    return rows.map((t) => ({
      ticketId: t.id,
      issueNumber: t.issueNumber,
      attendeeName: t.attendeeName,
      seat: t.seat,
      usesAllowed: t.usesAllowed,
      usesLeft: t.usesLeft,
      inside: t.inside === 1,
      revoked: t.revokedAt !== null,
    }));
  }

  /** The shop reads what its gates did by hand at an event, newest first. */
  async gateAudit(caller: Caller, eventId: string): Promise<GateAuditEntity[]> {
    const { partnerId } = requirePartner(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    return this.deps.db.read((m) => m.find(GateAuditEntity, { where: { eventId: event.id }, order: { at: "DESC", id: "DESC" }, take: 500 }));
  }
}
