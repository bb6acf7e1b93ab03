import { at, idAt, orNull, text, type Batch } from "./seed-sql";
import { BATCH_ROWS, DAY_MS, between, pick, type SeedWorld } from "./seed-world";

/** The topic payment-decisions.service.ts reports to the institution under. */
const OUTBOX_REPORT = "institution.report";

const APPROVAL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
function approvalNumber(): string {
  let number = "";
  for (let i = 0; i < 6; i++) number += APPROVAL_LETTERS[pick(APPROVAL_LETTERS.length)];
  return number;
}

/**
 * Delivered reports are kept this long: the retention sweep's default period
 * (RETENTION_OUTBOX_HOURS, a week) and one day more, which a sweep finds past its period
 * (its batch is a measured path). A server with the sweep on holds no older ones.
 */
const DELIVERED_KEPT_MS = 8 * DAY_MS;

/** One in this many payments' report is still being retried (due tomorrow) or was given up on. */
const RETRYING_ONE_IN = 5_000;
const DEAD_ONE_IN = 5_000;

const PAYMENT_COLUMNS = [
  "id", "status", "amount", "currency", "items", "reference", "storeId", "storeName", "customerId", "cardId", "codeId",
  "cardInstitution", "cardBrand", "cardLast4", "approvalNumber", "declineReason", "createdAt", "decidedAt",
  "processingDeadline", "refundedAmount", "customerNumber",
];
const LEDGER_COLUMNS = ["id", "paymentId", "customerId", "storeId", "entryType", "amount", "currency", "createdAt"];
const REFUND_COLUMNS = ["id", "paymentId", "amount", "createdAt"];
const OUTBOX_COLUMNS = ["id", "topic", "payload", "attempts", "nextAttemptAt", "lockedUntil", "lastError", "createdAt", "deliveredAt", "leaseId", "destination", "deadAt"];

/**
 * A year of card payments in time order (ids follow time, so InnoDB appends), each as
 * redeemCode leaves it: the payment, its SALE ledger entry and its report to the
 * institution in the outbox, delivered within a moment (kept for the last DELIVERED_KEPT_MS,
 * as the retention sweep leaves them; the few being retried or given up on, all year); a
 * refunded one also has its refund, REFUND entry and report. 94% approved, 4% declined, 2% refunded in full. The
 * busiest store takes its share; every other store and every customer is picked evenly.
 */
export function* payments(world: SeedWorld): Generator<Batch[]> {
  const { payments: total, busiestShare } = world.sizes;
  const step = (world.end - world.start) / total;
  // The instance whose outbox delivered each report: a handful, as a few instances would.
  const leases = Array.from({ length: 4 }, () => idAt(world.start));
  for (let from = 0; from < total; from += BATCH_ROWS) {
    const paymentRows: string[] = [];
    const ledgerRows: string[] = [];
    const refundRows: string[] = [];
    const outboxRows: string[] = [];
    const report = (created: number, paymentId: string, kind: string, amount: number, approval: string, refundId?: string) => {
      const refund = refundId ? `,"refundId":"${refundId}"` : "";
      const payload = `{"paymentId":"${paymentId}","kind":"${kind}","amount":${amount},"currency":"JPY","approvalNumber":"${approval}","at":"${new Date(created).toISOString()}"${refund}}`;
      const n = pick(RETRYING_ONE_IN * DEAD_ONE_IN);
      const id = idAt(created);
      if (n < DEAD_ONE_IN) {
        outboxRows.push(`(${text(id)},'${OUTBOX_REPORT}',${text(payload)},12,${at(created + DAY_MS)},NULL,'institution answered 503',${at(created)},NULL,NULL,'institution',${at(created + DAY_MS)})`);
      } else if (n < DEAD_ONE_IN + RETRYING_ONE_IN) {
        outboxRows.push(`(${text(id)},'${OUTBOX_REPORT}',${text(payload)},3,${at(world.now + DAY_MS)},NULL,'institution timed out',${at(created)},NULL,NULL,'institution',NULL)`);
      } else if (created >= world.end - DELIVERED_KEPT_MS) {
        outboxRows.push(`(${text(id)},'${OUTBOX_REPORT}',${text(payload)},0,${at(created)},NULL,NULL,${at(created)},${at(created + 40 + pick(200))},${text(leases[pick(leases.length)])},'institution',NULL)`);
      }
    };
    for (let i = from; i < Math.min(total, from + BATCH_ROWS); i++) {
      const created = world.start + i * step + Math.random() * step;
      const store = Math.random() < busiestShare ? world.busiest : world.stores[pick(world.stores.length)];
      const customer = pick(world.customerIds.length);
      const customerId = world.customerIds[customer];
      const card = world.cards[customer * world.sizes.cardsPerCustomer + pick(world.sizes.cardsPerCustomer)];
      const amount = 100 + pick(200) * 50;
      const id = idAt(created);
      const decided = created + 20 + pick(300);
      const roll = Math.random();
      const status = roll < 0.94 ? "APPROVED" : roll < 0.98 ? "DECLINED" : "REFUNDED";
      const approval = status === "DECLINED" ? null : approvalNumber();
      // Half the registers send their own receipt number (searchPayments finds it).
      const reference = i % 2 === 0 ? text(`R${i}`) : "NULL";
      paymentRows.push(
        `(${text(id)},'${status}',${amount},'JPY','[]',${reference},${text(store.id)},${text(store.name)},${text(customerId)},${text(card.id)},${text(idAt(created - 30_000))},` +
          `'Test Card Co.',${text(card.brand)},${text(card.last4)},${orNull(approval && text(approval))},${status === "DECLINED" ? "'card_declined'" : "NULL"},${at(created)},${at(decided)},` +
          `${at(created + 3_000)},${status === "REFUNDED" ? amount : 0},${text(world.customerNumber(customerId, store.id))})`,
      );
      if (approval === null) continue;
      ledgerRows.push(`(${text(idAt(decided))},${text(id)},${text(customerId)},${text(store.id)},'SALE',${amount},'JPY',${at(decided)})`);
      report(decided, id, "SALE", amount, approval);
      if (status === "REFUNDED") {
        const refunded = Math.min(world.end, decided + between(DAY_MS / 24, 7 * DAY_MS));
        const refundId = idAt(refunded);
        refundRows.push(`(${text(refundId)},${text(id)},${amount},${at(refunded)})`);
        ledgerRows.push(`(${text(idAt(refunded))},${text(id)},${text(customerId)},${text(store.id)},'REFUND',${-amount},'JPY',${at(refunded)})`);
        report(refunded, id, "REFUND", amount, approval, refundId);
      }
    }
    yield [
      { table: "payments", columns: PAYMENT_COLUMNS, rows: paymentRows },
      { table: "ledger_entries", columns: LEDGER_COLUMNS, rows: ledgerRows },
      { table: "refunds", columns: REFUND_COLUMNS, rows: refundRows },
      { table: "outbox_messages", columns: OUTBOX_COLUMNS, rows: outboxRows },
    ];
  }
}
