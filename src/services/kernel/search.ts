import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badInput } from "./errors";

/** What a search of payments or bills may narrow by, besides its owner and status. */
export interface SearchRange {
  /** Created at or after. */
  from?: Date | null;
  /** Created before. */
  to?: Date | null;
  /** Amount, minor units, inclusive. */
  minAmount?: number | null;
  maxAmount?: number | null;
}

export interface SearchPage<T> {
  nodes: T[];
  nextCursor: string | null;
}

/**
 * A search's cursor: the creation time and id of the last row seen, newest first, opaque
 * to clients as base64url. Rows are ordered by (createdAt, id), which the owner's
 * (owner, createdAt, id) index reads in order, so a time range and a page are one range
 * of the index.
 */
export const encodeSearchCursor = (row: { createdAt: Date; id: string }): string => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");

export function decodeSearchCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at);
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) badInput("after is not a cursor from this search", { field: "after" });
  return { createdAt, id };
}

/** `first` within 1 to 100, and a range that is one. */
export function checkSearch(first: number, range: SearchRange): void {
  if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
  for (const field of ["minAmount", "maxAmount"] as const) {
    const amount = range[field];
    if (amount != null && (!Number.isInteger(amount) || amount < 0)) badInput(`${field} must be a whole number of minor units, 0 or more`, { field });
  }
  if (range.minAmount != null && range.maxAmount != null && range.minAmount > range.maxAmount) badInput("minAmount is above maxAmount", { field: "minAmount" });
  if (range.from && range.to && range.from >= range.to) badInput("from must be before to", { field: "from" });
}

/**
 * Narrows `query` (alias `a`, a table with id, createdAt and amount) to the range and the
 * page after `after`, newest first, one row more than `first` (to tell a next page).
 */
export function searchPage<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, a: string, range: SearchRange, first: number, after: string | null): SelectQueryBuilder<E> {
  if (range.from) query.andWhere(`${a}.createdAt >= :searchFrom`, { searchFrom: range.from });
  if (range.to) query.andWhere(`${a}.createdAt < :searchTo`, { searchTo: range.to });
  if (range.minAmount != null) query.andWhere(`${a}.amount >= :minAmount`, { minAmount: range.minAmount });
  if (range.maxAmount != null) query.andWhere(`${a}.amount <= :maxAmount`, { maxAmount: range.maxAmount });
  if (after) {
    const last = decodeSearchCursor(after);
    // Written as a range of createdAt first, so the (owner, createdAt, id) index serves it on both engines.
    query.andWhere(`${a}.createdAt <= :lastAt AND (${a}.createdAt < :lastAt OR ${a}.id < :lastId)`, { lastAt: last.createdAt, lastId: last.id });
  }
  return query.orderBy(`${a}.createdAt`, "DESC").addOrderBy(`${a}.id`, "DESC").limit(first + 1);
}

/** The page's rows and the cursor after the last, if there is more. */
export function pageOf<E extends { createdAt: Date; id: string }>(rows: E[], first: number): SearchPage<E> {
  const nodes = rows.slice(0, first);
  return { nodes, nextCursor: rows.length > first ? encodeSearchCursor(nodes[nodes.length - 1]) : null };
}
