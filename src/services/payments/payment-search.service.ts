import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { PaymentEntity } from "../../entities";
import { PAYMENT_STATUSES, type PaymentStatus } from "../../entities/value-lists";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import { requireRegister } from "../kernel/guards";
import { checkSearch, pageOf, searchPage, type SearchPage, type SearchRange } from "../kernel/search";

export interface PaymentSearch extends SearchRange {
  /** The register's own reference, exactly. */
  reference?: string | null;
  statuses?: readonly PaymentStatus[] | null;
}

/**
 * A store's payments by reference, status, amount and time, newest first, paged. Indexes
 * (docs/events.md): a reference is IDX_payments_store_reference (storeId, reference, createdAt, id); one
 * status is IDX_payments_store_status (storeId, status, createdAt, id), read in order;
 * otherwise IDX_payments_store_created (storeId, createdAt, id), the time range and the
 * page one range of it. An amount range is checked on the rows that range reads.
 */
export class PaymentSearchService {
  constructor(private readonly deps: ServiceDeps) {}

  async search(caller: Caller, filter: PaymentSearch, first: number, after: string | null): Promise<SearchPage<PaymentEntity>> {
    const { storeId } = requireRegister(caller);
    checkSearch(first, filter);
    const statuses = filter.statuses ?? null;
    if (statuses && (statuses.length === 0 || statuses.some((s) => !PAYMENT_STATUSES.includes(s)))) badInput("statuses names payment statuses", { field: "statuses" });
    if (filter.reference != null && (filter.reference.length === 0 || filter.reference.length > 64)) badInput("reference is 1 to 64 characters", { field: "reference" });
    // The register may have sold a moment ago, through another instance and database node.
    const rows = await this.deps.db.read((m) => this.query(m, storeId, filter, first, after).getMany(), { fresh: true });
    return pageOf(rows, first);
  }

  /** The search's one SELECT (its plan is tested on both engines). */
  query(m: EntityManager, storeId: string, filter: PaymentSearch, first: number, after: string | null): SelectQueryBuilder<PaymentEntity> {
    const statuses = filter.statuses ?? null;
    const query = m.createQueryBuilder(PaymentEntity, "p").where("p.storeId = :storeId", { storeId });
    if (filter.reference != null) query.andWhere("p.reference = :reference", { reference: filter.reference });
    if (statuses) query.andWhere(statuses.length === 1 ? "p.status = :status" : "p.status IN (:...statuses)", { status: statuses[0], statuses: [...statuses] });
    return searchPage(query, "p", filter, first, after);
  }
}
