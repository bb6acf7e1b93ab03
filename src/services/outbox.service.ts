import type { EntityManager } from "typeorm";
import { OutboxMessageEntity } from "../entities";
import type { ServiceDeps } from "./deps";
import { newId } from "./ids";

export type OutboxHandler = (payload: Record<string, unknown>) => Promise<void>;

const BATCH = 50;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;
/** A wake-up waits this long, so the commits of a busy moment are delivered as one batch. */
const COALESCE_MS = 50;
/** Messages waiting for delivery by `dispatch` at most; past that, new ones go to the poller. */
const DISPATCH_QUEUE_MAX = 1000;

/**
 * Durable deliveries. A message is inserted with the same EntityManager as the change
 * that causes it, so it exists exactly when that change committed. A worker (one per
 * server instance) leases a batch of due messages in one UPDATE marked with its own
 * lease id, so two instances never deliver the same message at once, delivers them, and
 * retries failures with exponential backoff. Handlers must be idempotent: a crash after
 * delivery and before marking repeats a delivery.
 *
 * A hot path delivers its own messages instead (`messageForDispatch`, then `dispatch`
 * after the commit): they are inserted already leased to this instance, so no poller
 * takes them, and delivered from memory a moment after the commit, in batches whose
 * delivered marks go out in one UPDATE. That skips the poller's pick, lease and read-back
 * of every message (a third of the database work a redeem caused). If this instance dies
 * first, the lease runs out and any poller delivers them, as it would a leased batch.
 */
export class OutboxService {
  private readonly handlers = new Map<string, OutboxHandler>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private leasedSelect: string | undefined;
  /** Marks the messages this instance will deliver itself (see `dispatch`). */
  private readonly dispatchLease = newId();
  private readonly dispatchQueue: OutboxMessageEntity[] = [];
  private dispatchPending: NodeJS.Timeout | null = null;
  private dispatching: Promise<void> | null = null;

  constructor(private readonly deps: ServiceDeps) {}

  register(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, handler);
  }

  async enqueue(m: EntityManager, topic: string, payload: Record<string, unknown>): Promise<void> {
    await this.deps.db.sql(m).insert(OutboxMessageEntity, this.message(topic, payload));
  }

  /** A new message, due now, for `enqueue` or for a transaction's `finish`. */
  message(topic: string, payload: Record<string, unknown>): OutboxMessageEntity {
    const now = this.deps.clock.now();
    return Object.assign(new OutboxMessageEntity(), {
      id: newId(),
      topic,
      payload,
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
      leaseId: null,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    });
  }

  /**
   * A new message that this instance delivers right after its transaction commits: call
   * `dispatch` with it then. Leased to this instance from its insert, so pollers leave it
   * alone; a plain message (for the poller) when the server is not running its outbox or
   * already has a long queue to deliver.
   */
  messageForDispatch(topic: string, payload: Record<string, unknown>): OutboxMessageEntity {
    const message = this.message(topic, payload);
    if (this.timer && this.dispatchQueue.length < DISPATCH_QUEUE_MAX) {
      message.leaseId = this.dispatchLease;
      message.lockedUntil = new Date(message.createdAt.getTime() + LEASE_MS);
    }
    return message;
  }

  /** After the commit that inserted `messages` (from `messageForDispatch`): delivers them soon. */
  dispatch(messages: readonly OutboxMessageEntity[]): void {
    for (const message of messages) {
      if (message.leaseId === this.dispatchLease) this.dispatchQueue.push(message);
      else this.wake();
    }
    this.scheduleDispatch();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.run(), this.deps.config.outboxPollMs);
    this.timer.unref();
    this.run();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = null;
    this.pending = null;
    await Promise.all([this.running, this.flushDispatch()]);
  }

  /** Asks for a delivery soon (after a commit that enqueued something). */
  wake(): void {
    if (!this.timer || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.run();
    }, COALESCE_MS);
  }

  private run(): void {
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.deliverDue()
      .then(() => undefined)
      .catch((error) => this.deps.logger.error({ err: errorSummary(error) }, "outbox delivery round failed"))
      .finally(() => {
        this.running = null;
        if (this.wakeAgain) {
          // Through the coalescing delay again: running at once would deliver the one
          // or two messages committed during this round, a round per message when busy.
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Delivers until nothing is due, waiting for any round under way, also one a wake-up
   * starts meanwhile (its leases hide its messages from this one until it is done);
   * returns how many it delivered itself.
   */
  async drain(): Promise<number> {
    let delivered = 0;
    do {
      await Promise.all([this.running, this.flushDispatch()]);
      delivered += await this.deliverDue();
    } while (this.running || this.dispatching || this.dispatchQueue.length > 0);
    return delivered;
  }

  /** Delivers the dispatched messages after the coalescing delay, unless already under way. */
  private scheduleDispatch(): void {
    // Once stopped, what is still queued waits for its lease to run out (a poller's job).
    if (!this.timer || this.dispatchPending || this.dispatching || this.dispatchQueue.length === 0) return;
    this.dispatchPending = setTimeout(() => {
      this.dispatchPending = null;
      void this.dispatchQueued();
    }, COALESCE_MS);
  }

  /** Delivers every dispatched message now; resolves when none is left. */
  private async flushDispatch(): Promise<void> {
    do await this.dispatchQueued();
    while (this.dispatchQueue.length > 0);
  }

  /**
   * Delivers what is queued now, in batches of BATCH (one delivered-UPDATE each). What
   * arrives meanwhile waits for the next coalescing delay, or a busy server would deliver
   * a batch per message or two.
   */
  private dispatchQueued(): Promise<void> {
    if (this.dispatchPending) clearTimeout(this.dispatchPending);
    this.dispatchPending = null;
    this.dispatching ??= this.deliverDispatched(this.dispatchQueue.splice(0)).finally(() => {
      this.dispatching = null;
      this.scheduleDispatch();
    });
    return this.dispatching;
  }

  private async deliverDispatched(taken: OutboxMessageEntity[]): Promise<void> {
    try {
      for (let i = 0; i < taken.length; i += BATCH) await this.deliver(taken.slice(i, i + BATCH));
    } catch (error) {
      // Still leased to this instance: when the leases run out, a poller delivers them.
      this.deps.logger.error({ err: errorSummary(error) }, "outbox dispatch failed");
    }
  }

  /**
   * Rounds of leasing and delivering while more is due: after a full batch, or when
   * another round leased what this one picked first. A partial batch took everything
   * that was due; what commits meanwhile wakes the next run through the coalescing delay,
   * so a busy server delivers in a few large rounds a second, not back-to-back small ones.
   */
  private async deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const lease = await this.leaseBatch();
      if (lease.picked === 0) return delivered;
      delivered += await this.deliver(lease.messages);
      const lostRace = lease.messages.length === 0;
      if (!lostRace && lease.picked < BATCH) return delivered;
    }
  }

  /**
   * Leases up to BATCH due messages: a plain read picks them, then one UPDATE by primary
   * key marks them with a fresh lease id, repeating the due test on the current rows so
   * two instances leasing at once never both get a message, and the leased rows are read
   * back by primary key. Only primary keys are locked or searched: an UPDATE that
   * searched the due index would lock its gaps and deadlock with the transactions
   * inserting new messages there, and a read by lease id alone would go through every
   * message ever sent.
   */
  private async leaseBatch(): Promise<{ picked: number; messages: OutboxMessageEntity[] }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const leaseId = newId();
    const due = "deliveredAt IS NULL AND nextAttemptAt <= ? AND (lockedUntil IS NULL OR lockedUntil < ?)";
    const picked = await db.read((m) =>
      db.sql(m).select<{ id: string }>(`SELECT id FROM outbox_messages WHERE ${due} ORDER BY nextAttemptAt LIMIT ${BATCH}`, [now, now]),
    );
    if (picked.length === 0) return { picked: 0, messages: [] };
    const ids = picked.map((row) => row.id);
    const leased = await db.read((m) =>
      db.sql(m).write(`UPDATE outbox_messages SET leaseId = ?, lockedUntil = ? WHERE id IN (${BATCH_IDS}) AND ${due}`, [
        leaseId,
        new Date(now.getTime() + LEASE_MS),
        ...batchIds(ids),
        now,
        now,
      ]),
    );
    if (leased === 0) return { picked: picked.length, messages: [] };
    const rows = await db.read((m) => db.sql(m).select(this.leasedSql, [...batchIds(ids), leaseId]));
    // In the order they were due.
    const byId = new Map(rows.map((row) => [String(row.id), db.hydrate(OutboxMessageEntity, row)!]));
    return { picked: picked.length, messages: ids.flatMap((id) => byId.get(id) ?? []) };
  }

  private get leasedSql(): string {
    this.leasedSelect ??= `SELECT ${this.deps.db.selectList(OutboxMessageEntity, "o")} FROM outbox_messages o WHERE o.id IN (${BATCH_IDS}) AND o.leaseId = ?`;
    return this.leasedSelect;
  }

  private async deliver(batch: OutboxMessageEntity[]): Promise<number> {
    const delivered: string[] = [];
    for (const message of batch) {
      try {
        const handler = this.handlers.get(message.topic);
        if (!handler) throw new Error(`no handler for topic ${message.topic}`);
        await handler(message.payload);
        delivered.push(message.id);
      } catch (error) {
        await this.retryLater(message, error);
      }
    }
    if (delivered.length > 0) {
      const { db, clock } = this.deps;
      await db.read((m) =>
        db
          .sql(m)
          .write(`UPDATE outbox_messages SET deliveredAt = ?, lockedUntil = NULL WHERE id IN (${BATCH_IDS})`, [clock.now(), ...batchIds(delivered)]),
      );
    }
    return delivered.length;
  }

  private async retryLater(message: OutboxMessageEntity, error: unknown): Promise<void> {
    const attempts = message.attempts + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts - 1, 20));
    const jitter = Math.floor(Math.random() * backoff * 0.2);
    await this.deps.db.tx((m) =>
      m.update(OutboxMessageEntity, { id: message.id }, {
        attempts,
        lockedUntil: null,
        nextAttemptAt: new Date(this.deps.clock.now().getTime() + backoff + jitter),
        lastError: errorSummary(error).slice(0, 500),
      }),
    );
    this.deps.logger.warn({ topic: message.topic, messageId: message.id, attempts }, "outbox delivery failed; will retry");
  }
}

/**
 * A batch's ids always fill BATCH placeholders (repeating the first), so each statement
 * has one text: prepared once per connection, not once per batch size.
 */
const BATCH_IDS = Array.from({ length: BATCH }, () => "?").join(", ");
function batchIds(ids: readonly string[]): string[] {
  if (ids.length === 0 || ids.length > BATCH) throw new Error(`a batch holds 1 to ${BATCH} ids, not ${ids.length}`);
  return [...ids, ...Array.from({ length: BATCH - ids.length }, () => ids[0])];
}

/** An error's class and message only: handler errors never carry payloads into logs. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
