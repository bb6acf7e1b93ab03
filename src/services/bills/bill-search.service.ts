import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { BillEntity } from "../../entities";
import { BILL_STATUSES, type BillStatus } from "../../entities/value-lists";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import { requirePartner } from "../kernel/guards";
import { checkSearch, pageOf, searchPage, type SearchPage, type SearchRange } from "../kernel/search";
import { BILL_SHOWN_AS } from "./bill-states";
import { billViews, type BillView } from "./bill-views";

export interface BillSearch extends SearchRange {
  /** The biller's own reference, exactly. */
  reference?: string | null;
  /** As readers see it: OPEN, OVERDUE (stored OPEN, due), PAID, CANCELLED. */
  status?: BillStatus | null;
}

/**
 * A biller's bills by reference, status, amount and posting time, newest first, paged.
 * Indexes (docs/events.md): a reference is UQ_bills_partner_reference (partnerId,
 * reference); a status is IDX_bills_partner_status (partnerId, status, createdAt, id),
 * read in order (OPEN and OVERDUE are both stored OPEN, told apart by the due date on the
 * rows it reads); otherwise IDX_bills_partner_created (partnerId, createdAt, id).
 */
export class BillSearchService {
  constructor(private readonly deps: ServiceDeps) {}

  async search(caller: Caller, filter: BillSearch, first: number, after: string | null): Promise<SearchPage<BillView & { createdAt: Date }>> {
    const { partnerId } = requirePartner(caller);
    checkSearch(first, filter);
    if (filter.status != null && !BILL_STATUSES.includes(filter.status)) badInput("status is not a bill status", { field: "status" });
    if (filter.reference != null && (filter.reference.length === 0 || filter.reference.length > 64)) badInput("reference is 1 to 64 characters", { field: "reference" });
    const now = this.deps.clock.now();
    // A bill posted or paid a moment ago may have been written through another database node.
    const page = await this.deps.db.read(
      async (m) => {
        const rows = pageOf(await this.query(m, partnerId, filter, first, after, now).getMany(), first);
        const views = await billViews(m, rows.nodes, now);
        return { nodes: views.map((view, i) => ({ ...view, createdAt: rows.nodes[i].createdAt })), nextCursor: rows.nextCursor };
      },
      { fresh: true },
    );
    return page;
  }

  /** The search's one SELECT (its plan is tested on both engines). */
  query(m: EntityManager, partnerId: string, filter: BillSearch, first: number, after: string | null, now: Date): SelectQueryBuilder<BillEntity> {
    const query = m.createQueryBuilder(BillEntity, "b").where("b.partnerId = :partnerId", { partnerId });
    if (filter.reference != null) query.andWhere("b.reference = :reference", { reference: filter.reference });
    if (filter.status) {
      const shown = BILL_SHOWN_AS[filter.status]({ now });
      // The table's own condition, its placeholders named for the query builder.
      let at = 0;
      query.andWhere(
        `(${shown.sql.replace(/\?/g, () => `:shown${at++}`)})`,
        Object.fromEntries(shown.params.map((value, i) => [`shown${i}`, value])),
      );
    }
    return searchPage(query, "b", filter, first, after);
  }
}
