import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { EventEntity, TicketEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import { requirePartner } from "../kernel/guards";
import { checkSearch, pageOf, searchPage, type SearchPage } from "../kernel/search";
import { TICKET_MOVES, TICKET_STATUSES, type TicketStatus } from "./ticket-states";
import type { TicketService, TicketView } from "./ticket.service";

export interface TicketSearch {
  /** The shop's own number, exactly. */
  issueNumber?: string | null;
  eventId?: string | null;
  /** As the ticket table reads a row: USABLE (uses left), USED_UP, REVOKED. */
  status?: TicketStatus | null;
  /** Posted at or after, and before. */
  from?: Date | null;
  to?: Date | null;
}

/**
 * A ticket shop's tickets by issue number, event, status and posting time, newest first,
 * paged. Indexes (docs/events.md): an issue number is UQ_tickets_partner_issue
 * (partnerId, issueNumber); otherwise IDX_tickets_partner_created (partnerId, createdAt,
 * id), the time range and the page one range of it, the event and status checked on the
 * rows it reads.
 */
export class TicketSearchService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly tickets: TicketService,
  ) {}

  async search(caller: Caller, filter: TicketSearch, first: number, after: string | null): Promise<SearchPage<TicketView>> {
    const { partnerId } = requirePartner(caller);
    checkSearch(first, filter);
    if (filter.status != null && !TICKET_STATUSES.includes(filter.status)) badInput("status is USABLE, USED_UP or REVOKED", { field: "status" });
    if (filter.issueNumber != null && (filter.issueNumber.length === 0 || filter.issueNumber.length > 64)) badInput("issueNumber is 1 to 64 characters", { field: "issueNumber" });
    // A ticket posted, passed on or used a moment ago may have been written through another database node.
    return this.deps.db.read(
      async (m) => {
        const rows = pageOf(await this.query(m, partnerId, filter, first, after).getMany(), first);
        const events = new Map<string, EventEntity>();
        const nodes: TicketView[] = [];
        for (const ticket of rows.nodes) {
          const view = await this.tickets.viewIn(m, ticket.id, events.get(ticket.eventId));
          events.set(ticket.eventId, view.event);
          nodes.push(view);
        }
        return { nodes, nextCursor: rows.nextCursor };
      },
      { fresh: true },
    );
  }

  /** The search's one SELECT (its plan is tested on both engines). */
  query(m: EntityManager, partnerId: string, filter: TicketSearch, first: number, after: string | null): SelectQueryBuilder<TicketEntity> {
    const query = m.createQueryBuilder(TicketEntity, "t").where("t.partnerId = :partnerId", { partnerId });
    if (filter.issueNumber != null) query.andWhere("t.issueNumber = :issueNumber", { issueNumber: filter.issueNumber });
    if (filter.eventId != null) query.andWhere("t.eventId = :eventId", { eventId: filter.eventId });
    if (filter.status) query.andWhere(`(${TICKET_MOVES.whereStatus([filter.status], {}).sql})`);
    return searchPage(query, "t", filter, first, after);
  }
}
