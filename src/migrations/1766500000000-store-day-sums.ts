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

/** Where the fill finds each store's days: one row per store and local day, with the instants it covers. */
const BOUNDS = "store_day_bounds";

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * The sums counted from the rows, into an empty store_day_sums (also bench/scale's seed,
 * after it writes rows directly). Each store's days, in its zone, go into a scratch table
 * of bounds first; each sum is then one INSERT … SELECT that walks the bounds and, for
 * each, the day's range of the source's (store, time) index, so no row goes through
 * this process and no engine needs time zone tables.
 */
export async function fillStoreDaySums(query: Query, isMysql: boolean): Promise<void> {
  await query(`CREATE TABLE ${BOUNDS} (storeId varchar(36) NOT NULL, day varchar(10) NOT NULL, fromAt datetime(3) NOT NULL, toAt datetime(3) NOT NULL, PRIMARY KEY (storeId, day))`);
  try {
    await writeBounds(query);
    // MySQL would be free to walk the source first and look each row's day up; STRAIGHT_JOIN keeps the bounds first.
    const first = isMysql ? "STRAIGHT_JOIN " : "";
    const inDay = (store: string, at: string) => `${store} = d.storeId AND ${at} >= d.fromAt AND ${at} < d.toAt`;
    await query(
      `INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)
       SELECT ${first}d.storeId, d.day, l.entryType, p.cardInstitution, 0, COUNT(*), SUM(l.amount)
       FROM ${BOUNDS} d JOIN ledger_entries l ON ${inDay("l.storeId", "l.createdAt")} JOIN payments p ON p.id = l.paymentId
       GROUP BY d.storeId, d.day, l.entryType, p.cardInstitution`,
    );
    await query(
      `INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)
       SELECT ${first}d.storeId, d.day, CASE WHEN b.tender = 'CASH' THEN 'BILL_CASH' ELSE 'BILL_CARD' END, '', 0, COUNT(*), SUM(b.amount)
       FROM ${BOUNDS} d JOIN bills b ON ${inDay("b.paidAtStoreId", "b.paidAt")}
       GROUP BY d.storeId, d.day, CASE WHEN b.tender = 'CASH' THEN 'BILL_CASH' ELSE 'BILL_CARD' END`,
    );
    await query(
      `INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)
       SELECT ${first}d.storeId, d.day, m.kind, '', 0, COUNT(*), SUM(m.points)
       FROM ${BOUNDS} d JOIN point_movements m ON ${inDay("m.storeId", "m.createdAt")} AND m.kind <> 'ADJUST'
       GROUP BY d.storeId, d.day, m.kind`,
    );
  } finally {
    await query(`DROP TABLE ${BOUNDS}`);
  }
}

/** Every local day of every store from its first summed row to its last. */
async function writeBounds(query: Query): Promise<void> {
  const stores = (await query("SELECT id, timeZone FROM stores")) as Array<{ id: string; timeZone: string }>;
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
  const rows: unknown[][] = [];
  for (const { id, timeZone } of stores) {
    const span = spans.get(id);
    if (!span) continue;
    const lastDay = dateInZone(span.last, timeZone);
    for (let day = dateInZone(span.first, timeZone); day <= lastDay; ) {
      const { from, to } = dayInZone(day, timeZone);
      rows.push([id, day, stamp(from), stamp(to)]);
      day = dateInZone(to, timeZone);
    }
  }
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await query(`INSERT INTO ${BOUNDS} (storeId, day, fromAt, toAt) VALUES ${batch.map(() => "(?, ?, ?, ?)").join(", ")}`, batch.flat());
  }
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
