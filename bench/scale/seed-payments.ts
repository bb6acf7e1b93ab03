import type { SqlJob } from "./seed-sql";
import { customerNumberSql, idSql, isoSql, pickSql, serials, shareSql, timeSql } from "./seed-sql-expr";
import { DAY_MS, HELPER_TABLES, SQL_CHUNK, TAG, type SeedWorld } from "./seed-world";

/** The topic payment-decisions.service.ts reports to the institution under. */
const OUTBOX_REPORT = "institution.report";

/**
 * Delivered reports are kept this long: the retention sweep's default period
 * (RETENTION_OUTBOX_HOURS, a week) and one day more, which a sweep finds past its period
 * (its batch is a measured path). A server with the sweep on holds no older ones.
 */
const DELIVERED_KEPT_MS = 8 * DAY_MS;

/** One in this many reports is given up on, and one more in as many still being retried (due tomorrow). */
const UNDELIVERED_ONE_IN = 5_000;

/** An approval number: six of A-Z and 0-9 (36^6 of them). */
const APPROVALS = 36 ** 6;

/** The instances whose outbox delivered the reports: a handful, as a few instances would. */
const LEASES = ["0190a000-0000-7000-8000-00000000000a", "0190a000-0000-7000-8000-00000000000b", "0190a000-0000-7000-8000-00000000000c", "0190a000-0000-7000-8000-00000000000d"];

/**
 * A year of card payments in time order (ids follow time, so InnoDB appends), each as
 * redeemCode leaves it: the payment, its SALE ledger entry and its report to the
 * institution in the outbox, delivered within a moment (kept for the last
 * DELIVERED_KEPT_MS, as the retention sweep leaves them; the few being retried or given
 * up on, all year); a refunded one also has its refund, REFUND entry and report. 94%
 * approved, 4% declined, 2% refunded in full. The busiest store takes its share; every
 * other store and every card is picked evenly. MariaDB makes every row: each table's
 * statement works out a payment's facts again from its serial number (facts below).
 */
export function payments(world: SeedWorld): SqlJob[] {
  const total = world.sizes.payments;
  const jobs: SqlJob[] = [];
  for (let from = 0; from < total; from += SQL_CHUNK) {
    const to = Math.min(total, from + SQL_CHUNK);
    const f = facts(world, "seq");
    const source = `FROM ${serials(from, to)} JOIN ${HELPER_TABLES.stores} st ON st.n = ${f.store} JOIN cards c ON c.id = ${f.cardId}`;
    jobs.push({
      table: "payments",
      sql:
        `INSERT INTO payments (id, status, amount, currency, items, reference, storeId, storeName, customerId, cardId, codeId, cardInstitution, cardBrand, cardLast4, ` +
        `approvalNumber, declineReason, createdAt, decidedAt, processingDeadline, refundedAmount, customerNumber) ` +
        `SELECT ${f.id}, ${f.status}, ${f.amount}, 'JPY', '[]', IF(seq % 2 = 0, CONCAT('R', seq), NULL), st.id, st.name, ${f.customerId}, c.id, ` +
        `${idSql(`${f.created} - 30000`, TAG.code, "seq")}, 'Test Card Co.', c.brand, c.last4, IF(${f.declined}, NULL, ${f.approval}), IF(${f.declined}, 'card_declined', NULL), ` +
        `${timeSql(f.created)}, ${timeSql(f.decided)}, ${timeSql(`${f.created} + 3000`)}, IF(${f.refunded}, ${f.amount}, 0), ` +
        `${customerNumberSql(world.keys.customerNumber, f.customerId, "st.id")} ${source}`,
    });
    const ledger = (entry: "SALE" | "REFUND", tag: number, when: string, amount: string, where: string) =>
      `SELECT ${idSql(when, tag, "seq")}, ${f.id}, ${f.customerId}, st.id, '${entry}', ${amount}, 'JPY', ${timeSql(when)} FROM ${serials(from, to)} ` +
      `JOIN ${HELPER_TABLES.stores} st ON st.n = ${f.store} WHERE ${where}`;
    jobs.push({
      table: "ledger_entries",
      sql: `INSERT INTO ledger_entries (id, paymentId, customerId, storeId, entryType, amount, currency, createdAt) ${ledger("SALE", TAG.sale, f.decided, f.amount, `NOT ${f.declined}`)}`,
    });
    jobs.push({
      table: "ledger_entries",
      sql: `INSERT INTO ledger_entries (id, paymentId, customerId, storeId, entryType, amount, currency, createdAt) ${ledger("REFUND", TAG.refundEntry, f.refundedAt, `-${f.amount}`, f.refunded)}`,
    });
    jobs.push({
      table: "refunds",
      sql: `INSERT INTO refunds (id, paymentId, amount, createdAt) SELECT ${idSql(f.refundedAt, TAG.refund, "seq")}, ${f.id}, ${f.amount}, ${timeSql(f.refundedAt)} FROM ${serials(from, to)} WHERE ${f.refunded}`,
    });
    jobs.push(reports(world, from, to, "SALE"), reports(world, from, to, "REFUND"));
  }
  return jobs;
}

/** A payment's facts as SQL expressions of its serial number: every table derives the same ones. */
function facts(world: SeedWorld, serial: string) {
  const step = world.stepOver(world.sizes.payments);
  const { busiestShare, stores, cardsPerCustomer, customers } = world.sizes;
  const created = `(${world.start} + ${serial} * ${step} + FLOOR(${shareSql("t", serial)} * ${step}))`;
  const decided = `(${created} + 20 + ${pickSql("d", serial, 300)})`;
  const card = pickSql("c", serial, customers * cardsPerCustomer);
  const roll = pickSql("r", serial, 100);
  return {
    id: idSql(created, TAG.payment, serial),
    created,
    decided,
    // Refunded between an hour and a week after, never after the year's end.
    refundedAt: `LEAST(${world.end}, ${decided} + 3600000 + ${pickSql("f", serial, 6 * DAY_MS + 23 * 3_600_000)})`,
    store: `IF(${shareSql("b", serial)} < ${busiestShare}, 0, 1 + ${pickSql("s", serial, stores)})`,
    cardId: world.cardIdSql(card),
    customerId: world.customerIdSql(`(${card} DIV ${cardsPerCustomer})`),
    amount: `(100 + ${pickSql("a", serial, 200)} * 50)`,
    status: `(CASE WHEN ${roll} < 94 THEN 'APPROVED' WHEN ${roll} < 98 THEN 'DECLINED' ELSE 'REFUNDED' END)`,
    declined: `(${roll} BETWEEN 94 AND 97)`,
    refunded: `(${roll} >= 98)`,
    approval: `LPAD(CONV(${pickSql("n", serial, APPROVALS)}, 10, 36), 6, '0')`,
  };
}

/**
 * The outbox's reports of one kind for payments from..to: those given up on and those
 * being retried all year, the delivered ones of the last DELIVERED_KEPT_MS.
 */
function reports(world: SeedWorld, from: number, to: number, kind: "SALE" | "REFUND"): SqlJob {
  const f = facts(world, "seq");
  const sale = kind === "SALE";
  const when = sale ? f.decided : f.refundedAt;
  const fate = pickSql(sale ? "o" : "O", "seq", UNDELIVERED_ONE_IN);
  const refund = sale ? "" : `, ',"refundId":"', ${idSql(f.refundedAt, TAG.refund, "seq")}, '"'`;
  const payload =
    `CONCAT('{"paymentId":"', ${f.id}, '","kind":"${kind}","amount":', ${f.amount}, ',"currency":"JPY","approvalNumber":"', ${f.approval}, ` +
    `'","at":"', ${isoSql(when)}, '"'${refund}, '}')`;
  const later = `${when} + ${DAY_MS}`;
  const lease = `ELT(1 + ${pickSql("l", "seq", LEASES.length)}, ${LEASES.map((l) => `'${l}'`).join(", ")})`;
  return {
    table: "outbox_messages",
    sql:
      `INSERT INTO outbox_messages (id, topic, payload, attempts, nextAttemptAt, lockedUntil, lastError, createdAt, deliveredAt, leaseId, destination, deadAt) ` +
      `SELECT ${idSql(when, sale ? TAG.saleReport : TAG.refundReport, "seq")}, '${OUTBOX_REPORT}', ${payload}, ` +
      `CASE ${fate} WHEN 0 THEN 12 WHEN 1 THEN 3 ELSE 0 END, ` +
      `${timeSql(`CASE ${fate} WHEN 0 THEN ${later} WHEN 1 THEN ${world.now + DAY_MS} ELSE ${when} END`)}, NULL, ` +
      `CASE ${fate} WHEN 0 THEN 'institution answered 503' WHEN 1 THEN 'institution timed out' END, ${timeSql(when)}, ` +
      `IF(${fate} > 1, ${timeSql(`${when} + 40 + ${pickSql("v", "seq", 200)}`)}, NULL), IF(${fate} > 1, ${lease}, NULL), 'institution', ` +
      `IF(${fate} = 0, ${timeSql(later)}, NULL) ` +
      `FROM ${serials(from, to)} WHERE ${sale ? `NOT ${f.declined}` : f.refunded} AND (${fate} <= 1 OR ${when} >= ${world.end - DELIVERED_KEPT_MS})`,
  };
}
