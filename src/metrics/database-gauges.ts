import type { Clock } from "../clock";
import type { Db } from "../database";
import { readDate } from "../database/column-values";
import { withTimeout } from "../timeout";
import { destinationLabel } from "./labels";
import type { WalletMetrics } from "./wallet-metrics";

/** A scrape waits this long for the database, then goes without these gauges. */
export const COLLECT_TIMEOUT_MS = 2000;

interface Snapshot {
  backlog: Map<string, { messages: number; oldest: Date | null }>;
  dead: Map<string, number>;
  confirmations: { pending: number; overdue: number };
  books: { unsealed: number; oldestUnsealed: Date | null; size: number };
}

/*
 * Each statement reads an index, never the table's history:
 *   - undelivered, not dead (the backlog): IDX_outbox_due's first two columns
 *     (deliveredAt, deadAt), counted per destination from the index; the oldest
 *     createdAt costs one row read per waiting message, so a scrape's cost grows with
 *     the backlog, not with the messages ever sent;
 *   - dead: the same index, a range on deadAt, nothing read beside it;
 *   - unanswered confirmation requests: IDX_confirmations_due (answer, expiresAt) alone;
 *   - receipts waiting for the sealer: UQ_receipts_leaf's NULL range, one row read per
 *     waiting receipt; the books' size: the latest tree head by its primary key.
 */
const BACKLOG_SQL =
  "SELECT destination, COUNT(*) AS messages, MIN(createdAt) AS oldest FROM outbox_messages WHERE deliveredAt IS NULL AND deadAt IS NULL GROUP BY destination";
const DEAD_SQL = "SELECT destination, COUNT(*) AS messages FROM outbox_messages WHERE deliveredAt IS NULL AND deadAt IS NOT NULL GROUP BY destination";
const UNSEALED_SQL = "SELECT COUNT(*) AS receipts, MIN(createdAt) AS oldest FROM receipts WHERE leafIndex IS NULL";
const BOOKS_SIZE_SQL = "SELECT size FROM tree_heads ORDER BY size DESC LIMIT 1";
const CONFIRMATIONS_SQL =
  "SELECT SUM(CASE WHEN expiresAt > ? THEN 1 ELSE 0 END) AS pending, SUM(CASE WHEN expiresAt <= ? THEN 1 ELSE 0 END) AS overdue FROM confirmation_requests WHERE answer IS NULL";

/**
 * The gauges that are read from the database when Prometheus scrapes: the outbox's
 * backlog, its oldest message's age and its dead messages, by destination, and the
 * confirmation requests waiting. One reading serves every gauge of a scrape (and
 * scrapes that overlap); it gives up after COLLECT_TIMEOUT_MS, so a slow database
 * leaves these gauges out of the scrape instead of hanging it.
 */
export function registerDatabaseGauges(metrics: WalletMetrics, db: Db, clock: Clock): void {
  let reading: Promise<Snapshot | null> | null = null;
  const snapshot = (): Promise<Snapshot | null> => {
    reading ??= withTimeout(read(db, clock.now()), COLLECT_TIMEOUT_MS)
      .catch(() => {
        metrics.collectFailed("database");
        return null;
      })
      .finally(() => setImmediate(() => (reading = null)));
    return reading;
  };

  metrics.gauge("wallet_outbox_backlog_messages", "Outbox messages not yet delivered (and not dead), by destination", ["destination"], async (gauge) => {
    const read = await snapshot();
    for (const [destination, { messages }] of read?.backlog ?? []) gauge.set({ destination }, messages);
  });
  metrics.gauge(
    "wallet_outbox_oldest_message_age_seconds",
    "Age of the oldest outbox message not yet delivered (and not dead), by destination",
    ["destination"],
    async (gauge) => {
      const read = await snapshot();
      const now = clock.now().getTime();
      for (const [destination, { oldest }] of read?.backlog ?? []) gauge.set({ destination }, oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
    },
  );
  metrics.gauge("wallet_outbox_dead_messages", "Outbox messages given up on, waiting for an admin's retryDeadMessage, by destination", ["destination"], async (gauge) => {
    const read = await snapshot();
    for (const [destination, messages] of read?.dead ?? []) gauge.set({ destination }, messages);
  });
  metrics.gauge(
    "wallet_confirmation_requests_open",
    "Unanswered confirmation requests: pending (the phone may still answer) and overdue (past expiry, not yet expired by the sweep)",
    ["state"],
    async (gauge) => {
      const read = await snapshot();
      if (!read) return;
      gauge.set({ state: "pending" }, read.confirmations.pending);
      gauge.set({ state: "overdue" }, read.confirmations.overdue);
    },
  );
  metrics.gauge("wallet_books_unsealed_receipts", "Receipts the sealer has not yet given a place in the books (its lag, in receipts)", [], async (gauge) => {
    const read = await snapshot();
    if (read) gauge.set(read.books.unsealed);
  });
  metrics.gauge("wallet_books_oldest_unsealed_age_seconds", "Age of the oldest receipt not yet in the books (its lag, in time); 0 when none waits", [], async (gauge) => {
    const read = await snapshot();
    if (read) gauge.set(read.books.oldestUnsealed ? Math.max(0, (clock.now().getTime() - read.books.oldestUnsealed.getTime()) / 1000) : 0);
  });
  metrics.gauge("wallet_books_size", "Receipts in the books under the latest signed tree head", [], async (gauge) => {
    const read = await snapshot();
    if (read) gauge.set(read.books.size);
  });
}

async function read(db: Db, now: Date): Promise<Snapshot> {
  const [backlogRows, deadRows, confirmationRows, unsealedRows, sizeRows] = await Promise.all([
    db.select<{ destination: string | null; messages: unknown; oldest: unknown }>(BACKLOG_SQL, []),
    db.select<{ destination: string | null; messages: unknown }>(DEAD_SQL, []),
    db.select<{ pending: unknown; overdue: unknown }>(CONFIRMATIONS_SQL, [now, now]),
    db.select<{ receipts: unknown; oldest: unknown }>(UNSEALED_SQL, []),
    db.select<{ size: unknown }>(BOOKS_SIZE_SQL, []),
  ]);
  const backlog = new Map<string, { messages: number; oldest: Date | null }>();
  for (const row of backlogRows) {
    // Partners are counted together (labels.ts): their rows are summed here.
    const label = destinationLabel(row.destination);
    const oldest = readDate(row.oldest);
    const seen = backlog.get(label);
    if (!seen) backlog.set(label, { messages: Number(row.messages), oldest });
    else backlog.set(label, { messages: seen.messages + Number(row.messages), oldest: seen.oldest && seen.oldest < oldest ? seen.oldest : oldest });
  }
  // Every destination shows, at 0 when nothing waits, so an alert on it sees a value.
  for (const destination of ["institution", "partner", "push"]) if (!backlog.has(destination)) backlog.set(destination, { messages: 0, oldest: null });
  const dead = new Map<string, number>([
    ["institution", 0],
    ["partner", 0],
    ["push", 0],
  ]);
  for (const row of deadRows) {
    const label = destinationLabel(row.destination);
    dead.set(label, (dead.get(label) ?? 0) + Number(row.messages));
  }
  const confirmations = confirmationRows[0] ?? { pending: 0, overdue: 0 };
  const books = {
    unsealed: Number(unsealedRows[0]?.receipts ?? 0),
    oldestUnsealed: unsealedRows[0]?.oldest ? readDate(unsealedRows[0].oldest) : null,
    size: Number(sizeRows[0]?.size ?? 0),
  };
  return { backlog, dead, confirmations: { pending: Number(confirmations.pending ?? 0), overdue: Number(confirmations.overdue ?? 0) }, books };
}
