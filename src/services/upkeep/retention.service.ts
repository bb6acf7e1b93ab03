import { setTimeout as sleep } from "node:timers/promises";
import type { PaymentStatus } from "../../entities/value-lists";
import type { ServiceDeps } from "../kernel/deps";

/** The first sweep waits this long after start (or one interval, if shorter): starting is not slowed by a backlog. */
const START_DELAY_MS = 10_000;
/** Between two batches, so the database serves everyone else in between. */
const PAUSE_MS = 25;
/** Each wait between sweeps is the interval give or take this share, so instances started together drift apart. */
const JITTER = 0.1;

const HOUR_MS = 3_600_000;
/**
 * Dead messages to the card network (reports, reversals, captures, releases) are money
 * the network has not heard of: kept until an admin retries them, however long.
 */
const KEPT_DEAD_TOPICS = "institution.%";
/** Push reminders told are kept this long (push/push-reminders.service.ts): past the longest a reminder can be due again. */
const REMINDERS_KEPT_MS = 40 * 24 * HOUR_MS;

/**
 * Payments being decided. A record whose payment is in one of these is kept past its
 * period: deleting it would turn a register's retry into a new sale instead of a replay.
 * A payment never goes back into them once out, so a record found deletable stays so.
 */
const UNDECIDED: readonly PaymentStatus[] = ["PROCESSING", "PENDING_CONFIRMATION"];

/** One kind of row that is deleted once past its period, found by an indexed condition. */
interface Rule {
  /** The table, as logs and results name it. */
  table: string;
  /** Rows are deleted once this long past the moment the condition measures from. */
  keepMs: number;
  /** Up to a batch of ids of rows past the cutoff (its only parameter), by an index. */
  select: string;
  /**
   * Deletes by primary key (a batch of placeholders, then the cutoff). The condition is
   * repeated on the row itself, so nothing that changed since it was picked goes.
   */
  remove: string;
  /** Parameters before the ids, for a rule that updates rather than deletes (given the sweep's moment). */
  leading?: (now: Date) => unknown[];
}

export interface SweepResult {
  /** Rows this sweep deleted, per table. */
  deleted: Record<string, number>;
  /** Tables whose sweep failed this time (logged; the next sweep tries again). */
  failed: string[];
}

/**
 * Nothing grows forever. Idempotency records, delivered outbox messages (and dead ones,
 * but the card network's), expired codes,
 * ended sessions (and their push subscriptions), answered confirmation requests, WebAuthn challenges and push reminders are deleted once past their periods
 * (config `retention`; README, "What is kept, and for how long"), and receipts' bodies are
 * dropped after RECEIPT_RETENTION_DAYS (their rows and leaves stay). Payments, ledger
 * entries, admissions, bills, tickets and points are the books and are never deleted here.
 *
 * Every instance sweeps, without taking turns: each batch picks up to `batch` ids by an
 * indexed range and deletes them by primary key in one statement, outside any
 * transaction, so a batch locks only the rows it deletes and only while it runs. Two
 * instances that pick the same ids both delete them; the second finds them gone and
 * deletes nothing, so no lease or leader is needed, and the jittered interval keeps
 * instances from sweeping at the same moment for long. The tables take turns a batch at
 * a time, pausing between batches, until each has no full batch left.
 */
export class RetentionService {
  private readonly rules: Rule[];
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  /** Moved by `stop`: a sweep that began before ends after its current batch. */
  private stops = 0;
  private readonly underWay = new Set<Promise<unknown>>();

  constructor(private readonly deps: Pick<ServiceDeps, "db" | "clock" | "config" | "logger">) {
    const { retention } = deps.config;
    const undecided = UNDECIDED.map((status) => `'${status}'`).join(", ");
    const batch = retention.batch;
    // Always a full batch of placeholders, so each DELETE has one text: prepared once per connection.
    const ids = Array.from({ length: batch }, () => "?").join(", ");
    // Rows past their period by one time column, which an index serves.
    const byTime = (table: string, column: string, keepMs: number) => ({
      table,
      keepMs,
      select: `SELECT id FROM ${table} WHERE ${column} < ? ORDER BY ${column} LIMIT ${batch}`,
      remove: `DELETE FROM ${table} WHERE id IN (${ids}) AND ${column} < ?`,
    });
    this.rules = [
      {
        table: "idempotency_records",
        keepMs: retention.idempotencyHours * HOUR_MS,
        // One primary-key lookup per record: results that are not payments find nothing, and go.
        select:
          `SELECT r.id AS id FROM idempotency_records r WHERE r.createdAt < ? AND r.state <> 'IN_PROGRESS' ` +
          `AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = r.resultId AND p.status IN (${undecided})) ORDER BY r.createdAt LIMIT ${batch}`,
        remove: `DELETE FROM idempotency_records WHERE id IN (${ids}) AND createdAt < ? AND state <> 'IN_PROGRESS'`,
      },
      // The event list lasts as long as a retried payment replays (idempotency records).
      byTime("webhook_events", "createdAt", retention.idempotencyHours * HOUR_MS),
      // Delivered messages; ones still trying are never deleted here.
      byTime("outbox_messages", "deliveredAt", retention.outboxHours * HOUR_MS),
      // Dead ones (a webhook, push or pass update given up on) once an admin has had time to
      // retry them: a receiver gone for good would otherwise add rows for as long as it is
      // sent events. By IDX_outbox_dead (deliveredAt, deadAt, id).
      {
        table: "outbox_messages",
        keepMs: retention.deadMessagesDays * 24 * HOUR_MS,
        select: `SELECT id FROM outbox_messages WHERE deliveredAt IS NULL AND deadAt < ? AND topic NOT LIKE '${KEPT_DEAD_TOPICS}' ORDER BY deadAt LIMIT ${batch}`,
        remove: `DELETE FROM outbox_messages WHERE id IN (${ids}) AND deliveredAt IS NULL AND deadAt < ? AND topic NOT LIKE '${KEPT_DEAD_TOPICS}'`,
      },
      // Every code is over by its expiry (a day at most, a bill code 60 days), used or not. A payment keeps
      // its codeId: the payment is the record of the sale, the code only its key.
      byTime("wallet_codes", "expiresAt", retention.codesHours * HOUR_MS),
      // Sign-up codes live ten minutes; their rows go with the other codes.
      byTime("sign_up_codes", "expiresAt", retention.codesHours * HOUR_MS),
      // Two rules for one table, so each condition has its own index.
      byTime("customer_sessions", "expiresAt", retention.sessionsHours * HOUR_MS),
      byTime("customer_sessions", "revokedAt", retention.sessionsHours * HOUR_MS),
      // answeredAt is set with the answer, also by the expiry sweep: an unanswered
      // request (what pendingConfirmations lists, and what the expiry sweep looks for)
      // has none, and is never deleted.
      byTime("confirmation_requests", "answeredAt", retention.confirmationsHours * HOUR_MS),
      // A phone's push subscription ends with its session (logout and a revoked device delete
      // it at once); an expired session's goes when the session does.
      byTime("push_subscriptions", "expiresAt", retention.sessionsHours * HOUR_MS),
      // A reminder's row outlives the time it could be told again in (a ticket's codes come out at most 30 days before doors).
      byTime("push_reminders", "createdAt", REMINDERS_KEPT_MS),
      // A WebAuthn challenge lives minutes, used or not; its rows go with the codes.
      byTime("verification_challenges", "expiresAt", retention.codesHours * HOUR_MS),
      // A receipt's body (what it says of the customer and the sale) goes; the row and its
      // leaf hash (merkle_nodes) stay, so the books still prove and verify (docs/books.md).
      // Only sealed ones: an unsealed receipt has no leaf yet. (droppedAt, createdAt) is
      // the index, so a sweep never walks the bodies already dropped.
      {
        table: "receipts",
        keepMs: deps.config.receiptRetentionDays * 24 * HOUR_MS,
        select: `SELECT id FROM receipts WHERE droppedAt IS NULL AND createdAt < ? AND leafIndex IS NOT NULL ORDER BY createdAt LIMIT ${batch}`,
        remove: `UPDATE receipts SET body = NULL, droppedAt = ? WHERE id IN (${ids}) AND createdAt < ? AND leafIndex IS NOT NULL AND droppedAt IS NULL`,
        leading: (at) => [at],
      },
    ];
  }

  /** The SELECT each table's sweep runs, for checking that an index serves it. */
  selects(): Array<{ table: string; sql: string }> {
    return this.rules.map((rule) => ({ table: rule.table, sql: rule.select }));
  }

  /** Sweeps every RETENTION_SWEEP_MS, the first time after a short delay. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(Math.min(START_DELAY_MS, this.deps.config.retention.sweepMs));
  }

  /** No new batch starts; resolves when the batches under way are done. */
  async stop(): Promise<void> {
    this.started = false;
    this.stops++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all(this.underWay);
  }

  /**
   * Deletes everything past its period now, a batch at a time. Safe to run while other
   * sweeps run, here or on other instances: each row is deleted once.
   */
  sweep(): Promise<SweepResult> {
    const run = this.sweepNow();
    this.underWay.add(run);
    return run.finally(() => this.underWay.delete(run));
  }

  private async sweepNow(): Promise<SweepResult> {
    const { db, clock, config, logger } = this.deps;
    const { batch } = config.retention;
    const started = Date.now();
    const stops = this.stops;
    const now = clock.now().getTime();
    const result: SweepResult = { deleted: {}, failed: [] };
    for (const rule of this.rules) result.deleted[rule.table] = 0;
    let active = this.rules.map((rule) => ({ rule, cutoff: new Date(now - rule.keepMs) }));
    while (active.length > 0) {
      const next: typeof active = [];
      for (const entry of active) {
        const { rule, cutoff } = entry;
        try {
          const picked = await db.select<{ id: string }>(rule.select, [cutoff]);
          if (picked.length === 0) continue;
          const ids = picked.map((row) => String(row.id));
          result.deleted[rule.table] += await db.write(rule.remove, [...(rule.leading?.(new Date(now)) ?? []), ...padded(ids, batch), cutoff]);
          if (ids.length === batch) next.push(entry);
        } catch (error) {
          // Another table's sweep goes on; this one is tried again next time.
          result.failed.push(rule.table);
          logger.error({ table: rule.table, err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, "retention sweep failed");
        }
      }
      if (next.length === 0 || this.stops !== stops) break;
      active = next;
      await sleep(PAUSE_MS);
    }
    const deleted = Object.values(result.deleted).reduce((sum, n) => sum + n, 0);
    logger[deleted > 0 ? "info" : "debug"]({ deleted: result.deleted, ms: Date.now() - started }, "retention sweep");
    return result;
  }

  /** The next sweep after `delayMs` (jittered), counted from the end of the last one: sweeps never overlap here. */
  private schedule(delayMs: number): void {
    if (!this.started) return;
    const jittered = Math.round(delayMs * (1 - JITTER + Math.random() * 2 * JITTER));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sweep()
        .catch((error) => this.deps.logger.error({ err: String(error) }, "retention sweep failed"))
        .finally(() => this.schedule(this.deps.config.retention.sweepMs));
    }, jittered);
    this.timer.unref();
  }
}

/** `ids`, then the first one again until there are `size` (deleting a row twice in one IN list deletes it once). */
function padded(ids: readonly string[], size: number): string[] {
  return [...ids, ...Array.from({ length: size - ids.length }, () => ids[0])];
}
