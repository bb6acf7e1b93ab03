import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { DateTime } from "luxon";
import { dateInZone } from "../services/kernel/store-day";
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
 * A store's rows in [from, to) summed by local day, as the store's report and payouts
 * summed them: ledger entries by type and the institution of their payment, bills it
 * collected by tender, point movements at its registers by kind (a partner's ADJUST
 * names no store); each a range of its (store, time) index, into shard 0. `day` is the
 * SQL of a row's local day from its time column, its one parameter first.
 */
function fillSql(day: (column: string) => string): string {
  return `INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)
  SELECT l.storeId, ${day("l.createdAt")}, l.entryType, p.cardInstitution, 0, COUNT(*), SUM(l.amount)
  FROM ledger_entries l JOIN payments p ON p.id = l.paymentId
  WHERE l.storeId = ? AND l.createdAt >= ? AND l.createdAt < ? GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT b.paidAtStoreId, ${day("b.paidAt")}, CASE WHEN b.tender = 'CASH' THEN 'BILL_CASH' ELSE 'BILL_CARD' END, '', 0, COUNT(*), SUM(b.amount)
  FROM bills b WHERE b.paidAtStoreId = ? AND b.paidAt >= ? AND b.paidAt < ? GROUP BY 1, 2, 3
  UNION ALL
  SELECT m.storeId, ${day("m.createdAt")}, m.kind, '', 0, COUNT(*), SUM(m.points)
  FROM point_movements m WHERE m.storeId = ? AND m.createdAt >= ? AND m.createdAt < ? AND m.kind <> 'ADJUST' GROUP BY 1, 2, 3`;
}

/** Rows whose local day is one named day (a day its zone changes its offset). */
const FILL_DAY = fillSql(() => "?");
/** Rows whose local day is the date of their UTC time moved by an offset. */
const FILL_SPAN_MYSQL = fillSql((column) => `DATE_FORMAT(${column} + INTERVAL ? MINUTE, '%Y-%m-%d')`);
const FILL_SPAN_SQLITE = fillSql((column) => `date(${column}, ?)`);

/**
 * The sums counted from the rows, into an empty store_day_sums (also bench/scale's seed,
 * after it writes rows directly). Each store's local days, from its first summed row to
 * its last, go in spans of whole days on one UTC offset, a statement a span: a store
 * whose zone never changes its offset is summed in one pass. A day on which the offset
 * changes goes alone. This process works the offsets out (luxon), so no engine needs
 * time zone tables.
 */
export async function fillStoreDaySums(query: Query, isMysql: boolean): Promise<void> {
  const stores = (await query("SELECT id, timeZone FROM stores")) as Array<{ id: string; timeZone: string }>;
  const spans = await spansOf(query);
  for (const { id, timeZone } of stores) {
    const span = spans.get(id);
    if (!span) continue;
    for (const part of offsetSpans(span.first, span.last, timeZone)) {
      const range = [id, stamp(part.from), stamp(part.to)];
      const [sql, day] = "day" in part ? [FILL_DAY, part.day] : isMysql ? [FILL_SPAN_MYSQL, part.offsetMinutes] : [FILL_SPAN_SQLITE, `${part.offsetMinutes} minutes`];
      await query(sql, [day, ...range, day, ...range, day, ...range]);
    }
  }
}

export type OffsetSpan = { from: Date; to: Date; offsetMinutes: number } | { from: Date; to: Date; day: string };

/**
 * The local days from `first`'s to `last`'s in `zone`: runs of days that begin and end
 * on one UTC offset (an instant's local day is then the date of its UTC time plus that
 * offset), and alone, each day that begins and ends on different offsets.
 */
export function offsetSpans(first: Date, last: Date, zone: string): OffsetSpan[] {
  const parts: OffsetSpan[] = [];
  const lastDay = dateInZone(last, zone);
  for (let day = dateInZone(first, zone); day <= lastDay; ) {
    const start = DateTime.fromISO(day, { zone });
    const end = start.plus({ days: 1 });
    const [from, to] = [start.toJSDate(), end.toJSDate()];
    const previous = parts[parts.length - 1];
    if (start.offset !== end.offset) parts.push({ from, to, day });
    else if (previous && "offsetMinutes" in previous && previous.offsetMinutes === start.offset) previous.to = to;
    else parts.push({ from, to, offsetMinutes: start.offset });
    day = dateInZone(to, zone);
  }
  return parts;
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
    await fillStoreDaySums((sql, params) => queryRunner.query(sql, params), queryRunner.connection.options.type !== "better-sqlite3");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE.name);
  }
}
