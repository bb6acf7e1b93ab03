import { fillStoreDaySums } from "../../src/migrations/1766500000000-store-day-sums";
import type { BulkWriter } from "./seed-sql";

const INTO = "INSERT INTO store_day_sums (storeId, day, kind, institution, shard, count, amount)";
/** A row's day when its store counts in UTC (the writer's sessions are on UTC). */
const UTC_DAY = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%d')`;

/**
 * The stores' day sums (services/kernel/store-day-sums.service.ts) of the rows the seed
 * wrote past the services. Every seeded store, the actors' too, counts its day in UTC, so
 * a row's day is its UTC date, and each table is summed in one pass in its primary key's
 * order (the payments a ledger entry joins to come in the same order), all three at
 * once. The migration's fill, which serves any zone, reads each store's rows a range of
 * its (store, time) index at a time and reaches each ledger entry's payment by its key
 * out of order: about twice as long (docs/performance.md). With any other zone, it is
 * that fill.
 */
export async function countStoreDaySums(writer: BulkWriter): Promise<void> {
  await writer.query("DELETE FROM store_day_sums");
  const [zoned] = await writer.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM stores WHERE timeZone <> 'UTC'");
  if (Number(zoned.n) > 0) return fillStoreDaySums((sql, params) => writer.query(sql, params), true);
  await writer.each([
    {
      sql: `${INTO} SELECT STRAIGHT_JOIN l.storeId, ${UTC_DAY("l.createdAt")}, l.entryType, p.cardInstitution, 0, COUNT(*), SUM(l.amount)
        FROM ledger_entries l JOIN payments p ON p.id = l.paymentId GROUP BY 1, 2, 3, 4`,
    },
    {
      sql: `${INTO} SELECT b.paidAtStoreId, ${UTC_DAY("b.paidAt")}, CASE WHEN b.tender = 'CASH' THEN 'BILL_CASH' ELSE 'BILL_CARD' END, '', 0, COUNT(*), SUM(b.amount)
        FROM bills b WHERE b.paidAtStoreId IS NOT NULL GROUP BY 1, 2, 3`,
    },
    // A partner's adjustment names its program in the store's place, and no store's day counts it.
    {
      sql: `${INTO} SELECT m.storeId, ${UTC_DAY("m.createdAt")}, m.kind, '', 0, COUNT(*), SUM(m.points)
        FROM point_movements m WHERE m.kind <> 'ADJUST' GROUP BY 1, 2, 3`,
    },
  ]);
}
