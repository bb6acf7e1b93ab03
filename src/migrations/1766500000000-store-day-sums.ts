import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { dateInZone, dayInZone } from "../services/kernel/store-day";
import { int, str } from "./table-columns";

/**
 * A store's day sums (StoreDaySumEntity, services/kernel/store-day-sums.service.ts): its report
 * and payouts read them instead of summing the day's ledger entries, bills and point
 * movements on every call (a busy store's month of payouts read 124,000 ledger rows).
 * Filled from the rows as they are, each on its day in its store's time zone, into shard
 * 0, so an upgraded database answers the same figures.
 */
const TABLE = new Table({
  name: "store_day_sums",
  columns: [
    { ...str("storeId", 36), isPrimary: true },
    { ...str("day", 10), isPrimary: true },
    { ...str("kind", 16), isPrimary: true },
    { ...str("institution", 100), isPrimary: true },
    { ...int("shard"), isPrimary: true },
    int("count", false, 0),
    { name: "amount", type: "bigint", isNullable: false, default: 0 },
  ],
});

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * A store's day summed from its rows, as the store's report and payouts summed them:
 * ledger entries by type and the institution of their payment, bills it collected by
 * tender, point movements at its registers by kind; each a range of its (store, time)
 * index. The sums go into shard 0.
 */
const FILL_DAY = `INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)
  SELECT ?, ?, l.entryType, p.cardInstitution, 0, COUNT(*), SUM(l.amount)
  FROM ledger_entries l JOIN payments p ON p.id = l.paymentId
  WHERE l.storeId = ? AND l.createdAt >= ? AND l.createdAt < ? GROUP BY l.entryType, p.cardInstitution
  UNION ALL
  SELECT ?, ?, CASE WHEN b.tender = 'CASH' THEN 'BILL_CASH' ELSE 'BILL_CARD' END, '', 0, COUNT(*), SUM(b.amount)
  FROM bills b WHERE b.paidAtStoreId = ? AND b.paidAt >= ? AND b.paidAt < ? GROUP BY b.tender
  UNION ALL
  SELECT ?, ?, m.kind, '', 0, COUNT(*), SUM(m.points)
  FROM point_movements m WHERE m.storeId = ? AND m.createdAt >= ? AND m.createdAt < ? AND m.kind <> 'ADJUST' GROUP BY m.kind`;

/**
 * The sums counted from the rows, into an empty store_day_sums (also bench/scale's seed,
 * after it writes rows directly): each store's local days from its first summed row to
 * its last, one statement a day. A day is a range of instants only its zone knows, so
 * this process works the days out and no engine needs time zone tables. (One statement
 * joining every day at once has MySQL walk the store's whole index for each day.)
 */
export async function fillStoreDaySums(query: Query): Promise<void> {
  const stores = (await query("SELECT id, timeZone FROM stores")) as Array<{ id: string; timeZone: string }>;
  const spans = await spansOf(query);
  for (const { id, timeZone } of stores) {
    const span = spans.get(id);
    if (!span) continue;
    const lastDay = dateInZone(span.last, timeZone);
    for (let day = dateInZone(span.first, timeZone); day <= lastDay; ) {
      const { from, to } = dayInZone(day, timeZone);
      const range = [id, day, id, stamp(from), stamp(to)];
      await query(FILL_DAY, [...range, ...range, ...range]);
      day = dateInZone(to, timeZone);
    }
  }
}

/** Each store's first and last summed row, by the (store, time) indexes. */
async function spansOf(query: Query): Promise<Map<string, { first: Date; last: Date }>> {
  const spans = new Map<string, { first: Date; last: Date }>();
  for (const [table, store, at] of [
    ["ledger_entries", "storeId", "createdAt"],
    ["bills", "paidAtStoreId", "paidAt"],
    ["point_movements", "storeId", "createdAt"],
  ]) {
    const rows = (await query(`SELECT ${store} AS storeId, MIN(${at}) AS first, MAX(${at}) AS last FROM ${table} WHERE ${store} IS NOT NULL GROUP BY ${store}`)) as Array<{
      storeId: string;
      first: Date | string;
      last: Date | string;
    }>;
    for (const row of rows) {
      const [first, last] = [asDate(row.first), asDate(row.last)];
      const span = spans.get(row.storeId);
      spans.set(row.storeId, span ? { first: first < span.first ? first : span.first, last: last > span.last ? last : span.last } : { first, last });
    }
  }
  return spans;
}

/** A time as both engines store and compare it: UTC, "YYYY-MM-DD HH:MM:SS.mmm". */
const stamp = (at: Date) => at.toISOString().replace("T", " ").replace("Z", "");

/** A time read back: a Date from MySQL, the stored text from SQLite. */
const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(`${value.replace(" ", "T")}Z`));

export class StoreDaySums1766500000000 implements MigrationInterface {
  name = "StoreDaySums1766500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(TABLE, false, false, true);
    await fillStoreDaySums((sql, params) => queryRunner.query(sql, params));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE.name);
  }
}
