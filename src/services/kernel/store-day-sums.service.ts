import { LRUCache } from "lru-cache";
import type { EntityManager } from "typeorm";
import { upsertAdding, type AtCommit, type Db, type Statement, type Tx } from "../../database";
import { StoreEntity } from "../../entities";
import type { LedgerEntryType } from "../../entities/ledger-entry.entity";
import type { PointMovementKind } from "../../entities/point-movement.entity";
import { dateInZone } from "./store-day";

/** What a store's day sums: ledger entries by type, bills collected by tender, point movements at its registers by kind. */
export type StoreDayKind = LedgerEntryType | "BILL_CASH" | "BILL_CARD" | Exclude<PointMovementKind, "ADJUST">;

/** The rows each sum is kept in (StoreDaySumEntity's `shard`). */
export const STORE_DAY_SHARDS = 8;

/** Store time zones one instance keeps; past it the least used is forgotten (read again if needed). */
const ZONES_KEPT = 10_000;

/** One row summed into a store's day: added when it is written, taken off (negative) when it stops counting. */
export interface StoreDayMove {
  storeId: string;
  /** When the row summed happened: the day is the store's calendar date at that instant. */
  at: Date;
  kind: StoreDayKind;
  /** A ledger entry's card institution; nothing for bills and points. */
  institution?: string;
  count: number;
  amount: number;
}

/** One sum, its shards added up. */
export interface StoreDaySum {
  day: string;
  kind: StoreDayKind;
  institution: string;
  count: number;
  amount: number;
}

/**
 * A store's day sums (store_day_sums, StoreDaySumEntity): what its report and payouts
 * read, so neither sums a day's rows on every call. Every writer of a summed row (a
 * ledger entry, a bill collected or uncollected at a store, a point movement at a store)
 * moves its sum in the same transaction, by one relative upsert sent with the COMMIT, so
 * the row is locked for the commit's round trip only and concurrent writers add up
 * exactly. The day is the store's date in its time zone, which is fixed when the store is
 * made, so each instance keeps it once read.
 */
export class StoreDaySums {
  readonly #zones = new LRUCache<string, string>({ max: ZONES_KEPT });

  constructor(private readonly db: Db) {}

  /** The store's time zone; read through `m` (a transaction's, say) the first time, kept after. */
  async zoneOf(storeId: string, m?: EntityManager): Promise<string> {
    const known = this.#zones.get(storeId);
    if (known !== undefined) return known;
    const find = (manager: EntityManager) => manager.findOne(StoreEntity, { where: { id: storeId }, select: { id: true, timeZone: true } });
    const store = m ? await find(m) : await this.db.read(find);
    if (!store) throw new Error("a store day move for a store that does not exist");
    this.#zones.set(store.id, store.timeZone);
    return store.timeZone;
  }

  /**
   * Sends the move with the transaction's COMMIT, in the store's zone; with `onlyIf`, only
   * if that earlier write at commit changed a row (Tx.atCommit).
   */
  add(tx: Tx, move: StoreDayMove, zone: string, options: { onlyIf?: AtCommit } = {}): void {
    const keys = {
      storeId: move.storeId,
      day: dateInZone(move.at, zone),
      kind: move.kind,
      institution: move.institution ?? "",
      // Random rather than by writer: any two writers at once likely miss each other.
      shard: Math.floor(Math.random() * STORE_DAY_SHARDS),
    };
    tx.atCommit(upsertAdding(this.db.isMysql, "store_day_sums", keys, { count: move.count, amount: move.amount }), options);
  }

  /** The store's sums from day `from` to day `to` (both included, YYYY-MM-DD), of the kinds asked for; a range of the primary key. */
  async between(storeId: string, from: string, to: string, kinds: readonly StoreDayKind[]): Promise<StoreDaySum[]> {
    const { sql, params } = this.betweenQuery(storeId, from, to, kinds);
    const rows = await this.db.select<{ day: string; kind: StoreDayKind; institution: string; count: string | number; amount: string | number }>(sql, params);
    return rows.map((r) => ({ day: r.day, kind: r.kind, institution: r.institution, count: Number(r.count), amount: Number(r.amount) }));
  }

  /** `between`'s read (its plan is tested on both engines). */
  betweenQuery(storeId: string, from: string, to: string, kinds: readonly StoreDayKind[]): Statement {
    const marks = kinds.map(() => "?").join(", ");
    return {
      sql: `SELECT day, kind, institution, SUM(count) AS count, SUM(amount) AS amount FROM store_day_sums
       WHERE storeId = ? AND day >= ? AND day <= ? AND kind IN (${marks}) GROUP BY day, kind, institution`,
      params: [storeId, from, to, ...kinds],
    };
  }
}
