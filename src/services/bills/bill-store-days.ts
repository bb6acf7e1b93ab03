import type { Tx } from "../../database";
import type { StoreEntity } from "../../entities";
import type { Tender } from "../../entities/value-lists";
import type { StoreDaySums } from "../kernel/store-day-sums.service";

/** A collection as its store's day counts it: when, how and how much. */
export interface Collection {
  paidAt: Date;
  tender: Tender;
  amount: number;
}

/**
 * A bill paid at a store counts in the store's day it was paid on, by tender; a
 * collection undone (a cash collection reversed, a card payment voided) stops counting on
 * that same day, whenever it is undone, as the store's report reads the bills.
 */
export function countCollection(storeDays: StoreDaySums, tx: Tx, store: StoreEntity, collection: Collection, sign: 1 | -1): void {
  const move = { storeId: store.id, at: collection.paidAt, kind: `BILL_${collection.tender}` as const, count: sign, amount: sign * collection.amount };
  storeDays.add(tx, move, store.timeZone);
}
