import { setMaxListeners } from "node:events";
import { row, type AtCommit, type Tx } from "../../database";
import { OutboxMessageEntity } from "../../entities";
import { AdaptiveLimit } from "./adaptive-limit";
import { describeFailure } from "./delivery-failure";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";
import { OUTBOX_MOVES, outboxDue } from "./outbox-states";
import { byId, sql, type Sql } from "../kernel/status-table";

/**
 * Delivers one message. `signal` aborts when the attempt's time is up (pass it on to
 * fetch and the like); the outbox stops waiting then in any case. Must be idempotent.
 */
export type OutboxHandler = (payload: Record<string, unknown>, signal: AbortSignal) => Promise<void>;

/** Who receives a topic's message, e.g. "partner:<id>"; by default the topic's first word. */
export type DestinationOf = (payload: Record<string, unknown>) => string;

/**
 * Attempts under way to one destination at once, on each instance, at first and at
 * least: a partner's endpoint is a web server of its own. While its messages wait, a
 * destination that answers is sent more at once, up to OUTBOX_DESTINATION_MAX_IN_FLIGHT
 * (adaptive-limit.ts); one whose topics' owner fixed its number (`allowInFlight`) is sent that.
 */
export const MIN_IN_FLIGHT_PER_DESTINATION = 4;

/**
 * How long a lease outlasts the delivery timeout. An attempt starts only while its
 * message's lease outlasts the attempt by FINISH_MARGIN_MS (else the message is left for
 * whoever leases it once the lease runs out), so a message may wait in its destination's
 * queue up to LEASE_MARGIN_MS - FINISH_MARGIN_MS. FINISH_MARGIN_MS covers recording the
 * outcome and clocks of two instances disagreeing: an attempt, even one that times out,
 * is over before any other instance can lease the message.
 */
const LEASE_MARGIN_MS = 20_000;
const FINISH_MARGIN_MS = 5_000;

const BATCH = 50;
/** Messages one destination may have leased and waiting on this instance. */
const QUEUE_MAX_PER_DESTINATION = BATCH;
/** Dispatched messages one destination may have waiting; past that, new ones go to the poller. */
const DISPATCH_QUEUE_MAX = 1000;
const MAX_BACKOFF_MS = 10 * 60_000;
/** A wake-up, and a delivered mark, waits this long, so a busy moment's work goes as one batch. */
const COALESCE_MS = 50;
/** Attempts started within this window share one timeout signal (one timer, not one each). */
const SIGNAL_WINDOW_MS = 50;
const DAY_MS = 86_400_000;

interface Handler {
  deliver: OutboxHandler;
  destinationOf?: DestinationOf;
}

/** One destination's deliveries on this instance: those under way, and those waiting for a turn. */
interface DestinationQueue {
  inFlight: number;
  waiting: OutboxMessageEntity[];
  /** How many may be under way at once, learned from its answers; null for a fixed number (`allowInFlight`). */
  limit: AdaptiveLimit | null;
}

/**
 * Durable deliveries. A message is sent (`send`) in the transaction of the change that
 * causes it and inserted with its COMMIT, so it exists exactly when that change
 * committed. Each server instance leases due messages in one UPDATE marked with its own
 * lease id, so two instances never deliver the same message at once, delivers them, and
 * retries failures with exponential backoff. Handlers must be idempotent: a crash after delivery and before marking repeats
 * a delivery.
 *
 * Deliveries to different destinations never wait for each other. Every message names
 * its destination (the institution, one partner); each destination has its own queue
 * with a limit of attempts under way (MIN_IN_FLIGHT_PER_DESTINATION at first, more
 * while it answers and messages wait for it). A poll round only
 * leases and hands messages to their queues, never waiting for a delivery, and leaves a
 * destination whose queue is full out of its pick, inside the database's index, so one
 * slow destination's backlog never hides another's messages. The poll interval keeps
 * ticking while deliveries run.
 *
 * Every attempt is abandoned after OUTBOX_DELIVERY_TIMEOUT_MS. A lease lasts that plus
 * LEASE_MARGIN_MS (see there), so a slow attempt never overlaps another instance's
 * attempt of the same message. A message that still fails OUTBOX_GIVE_UP_AFTER_DAYS
 * after it was created (or after an admin retried it) is dead: no longer retried,
 * listed for an admin (DeadMessageService), kept until one retries it.
 *
 * The instance that commits a message delivers it itself: it is inserted already leased
 * to this instance, so no poller takes it, and handed to its destination's queue right
 * after the commit; delivered marks go out in batches, one UPDATE each. That skips the
 * poller's pick, lease and read-back of every message. If this instance dies first, the
 * lease runs out and any poller delivers it, as it would a leased batch.
 */
export class OutboxService {
  private readonly handlers = new Map<string, Handler>();
  private readonly queues = new Map<string, DestinationQueue>();
  /** Destinations whose attempts at once are fixed (`allowInFlight`), not learned. */
  private readonly inFlightAllowed = new Map<string, number>();
  /** Destinations a round left out for a full queue: a round runs again once they empty. */
  private readonly held = new Set<string>();
  /** Attempts under way (with their outcome's write) and delivered marks being written. */
  private readonly work = new Set<Promise<void>>();
  private deliveredIds: string[] = [];
  private markTimer: NodeJS.Timeout | null = null;
  private deliveredCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private leasedSelect: string | undefined;
  private signal: { startedAt: number; signal: AbortSignal } | null = null;
  /** Marks the messages this instance will deliver itself (see `send`). */
  private readonly dispatchLease = newId();
  /** Delivery timeout plus LEASE_MARGIN_MS. */
  readonly leaseMs: number;

  constructor(private readonly deps: ServiceDeps) {
    this.leaseMs = deps.config.outboxDeliveryTimeoutMs + LEASE_MARGIN_MS;
  }

  register(topic: string, deliver: OutboxHandler, destinationOf?: DestinationOf): void {
    this.handlers.set(topic, { deliver, destinationOf });
  }

  /**
   * The one way out: `message` is inserted with `tx`'s COMMIT, so it exists exactly when
   * the change that causes it committed, and once that commit is done this instance
   * delivers it at once (leased to this instance from its insert, so pollers leave it
   * alone). It is left to the poller instead, woken after the commit, when this instance
   * is not running its outbox or the destination already has a long queue here. With
   * `onlyIf`, it is inserted (and delivered) only if that write at commit changed a row.
   * Returns the message's id.
   */
  send(tx: Tx, topic: string, payload: Record<string, unknown>, options: { onlyIf?: AtCommit } = {}): string {
    const message = this.message(topic, payload);
    if (this.timer && (this.queues.get(message.destination!)?.waiting.length ?? 0) < DISPATCH_QUEUE_MAX) {
      message.leaseId = this.dispatchLease;
      message.lockedUntil = new Date(message.createdAt.getTime() + this.leaseMs);
    }
    const inserted = tx.atCommit(row(OutboxMessageEntity, message), options);
    tx.afterCommit(() => {
      if (inserted.changed === 1) this.dispatch(message);
    });
    return message.id;
  }

  /** Right after the commit that inserted `message`: delivers it now, or wakes the poller for it. */
  private dispatch(message: OutboxMessageEntity): void {
    // Once stopped, a leased message waits for its lease to run out (a poller's job).
    if (message.leaseId === this.dispatchLease) {
      if (this.timer) this.hand(message);
    } else this.wake();
  }

  /** The lease every message this instance delivers itself carries (see `send`). */
  get ownLease(): string {
    return this.dispatchLease;
  }

  private message(topic: string, payload: Record<string, unknown>): OutboxMessageEntity {
    const now = this.deps.clock.now();
    return Object.assign(new OutboxMessageEntity(), {
      id: newId(),
      topic,
      destination: this.destinationOf(topic, payload),
      payload,
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
      leaseId: null,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
      deadAt: null,
      revivedAt: null,
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.run(), this.deps.config.outboxPollMs);
    this.timer.unref();
    this.run();
  }

  /**
   * Stops leasing; what waits in a queue stays leased until its lease runs out (then any
   * instance delivers it). Resolves once the attempts under way (each bounded by the
   * delivery timeout) are over and their outcomes recorded.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = null;
    this.pending = null;
    await this.running;
    for (const queue of this.queues.values()) queue.waiting.length = 0;
    await this.idle();
  }

  /** Asks for a poll round soon (after a commit that made a message due for the poller). */
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
      .catch((error) => this.deps.logger.error({ err: describeFailure(error) }, "outbox poll round failed"))
      .finally(() => {
        this.running = null;
        if (this.wakeAgain) {
          // Through the coalescing delay again: running at once would lease the one or
          // two messages committed during this round, a round per message when busy.
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Delivers until nothing is due, waiting for every attempt it started and for any
   * round under way, also one a wake-up starts meanwhile (its leases hide its messages
   * from this one until it is done); returns how many messages this instance delivered
   * meanwhile.
   */
  async drain(): Promise<number> {
    const before = this.deliveredCount;
    let found: number;
    do {
      await this.running;
      found = await this.deliverDue();
      await this.idle();
    } while (found > 0 || this.running);
    return this.deliveredCount - before;
  }

  /** Resolves when no attempt is under way or waiting, and every delivered mark is written. */
  private async idle(): Promise<void> {
    this.flushMarks();
    while (this.work.size > 0) {
      await Promise.allSettled([...this.work]);
      this.flushMarks();
    }
  }

  /**
   * Rounds of leasing while more is due: after a full pick, or when another instance
   * leased what this one picked first. A partial pick took everything that was due; what
   * commits meanwhile wakes the next run through the coalescing delay, so a busy server
   * polls in a few large rounds a second, not back-to-back small ones. Returns how many
   * due messages the rounds found (leased or left for a full queue).
   */
  private async deliverDue(): Promise<number> {
    let found = 0;
    for (;;) {
      const round = await this.leaseBatch();
      found += round.picked;
      for (const message of round.messages) this.hand(message);
      const lostRace = round.chosen > 0 && round.messages.length === 0;
      if (!lostRace && (round.picked < BATCH || round.messages.length === 0)) return found;
    }
  }

  /**
   * Leases due messages: a plain read picks up to BATCH of them, leaving out destinations
   * whose queue here is full; of those, as many as each destination's queue takes are
   * marked with a fresh lease id by one UPDATE by primary key, which repeats the due test
   * on the current rows so two instances leasing at once never both get a message; the
   * leased rows are read back by primary key. Only primary keys are locked or searched:
   * an UPDATE that searched the due index would lock its gaps and deadlock with the
   * transactions inserting new messages there, and a read by lease id alone would go
   * through every message ever sent.
   */
  private async leaseBatch(): Promise<{ picked: number; chosen: number; messages: OutboxMessageEntity[] }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const leaseId = newId();
    const full = [...this.queues].filter(([destination, queue]) => this.load(queue) >= this.queueLimit(destination)).map(([destination]) => destination);
    for (const destination of full) this.held.add(destination);
    const due = outboxDue(now);
    const picked = await db.select<{ id: string; topic: string; destination: string | null }>(pickSql(due), [...due.params, ...skipList(full)]);
    if (picked.length === 0) return { picked: 0, chosen: 0, messages: [] };
    const room = new Map<string, number>();
    const ids: string[] = [];
    for (const row of picked) {
      const destination = row.destination ?? defaultDestination(row.topic);
      const left = room.get(destination) ?? QUEUE_MAX_PER_DESTINATION - this.load(this.queues.get(destination));
      if (left > 0) ids.push(row.id);
      else this.held.add(destination);
      room.set(destination, left - 1);
    }
    if (ids.length === 0) return { picked: picked.length, chosen: 0, messages: [] };
    const lease = OUTBOX_MOVES.update("lease", sql(`id IN (${BATCH_IDS})`, ...batchIds(ids)), { now, leaseId, lockedUntil: new Date(now.getTime() + this.leaseMs) });
    const leased = await db.write(lease.sql, lease.params);
    if (leased === 0) return { picked: picked.length, chosen: ids.length, messages: [] };
    const rows = await db.select(this.leasedSql, [...batchIds(ids), leaseId]);
    // In the order they were due.
    const byId = new Map(rows.map((row) => [String(row.id), db.hydrate(OutboxMessageEntity, row)!]));
    return { picked: picked.length, chosen: ids.length, messages: ids.flatMap((id) => byId.get(id) ?? []) };
  }

  private get leasedSql(): string {
    this.leasedSelect ??= `SELECT ${this.deps.db.selectList(OutboxMessageEntity, "o")} FROM outbox_messages o WHERE o.id IN (${BATCH_IDS}) AND o.leaseId = ?`;
    return this.leasedSelect;
  }

  private destinationOf(topic: string, payload: Record<string, unknown>): string {
    const named = this.handlers.get(topic)?.destinationOf?.(payload);
    return (named || defaultDestination(topic)).slice(0, 100);
  }

  private load(queue: DestinationQueue | undefined): number {
    return queue ? queue.inFlight + queue.waiting.length : 0;
  }

  /** Puts a leased message in its destination's queue, starting it if there is room. */
  private hand(message: OutboxMessageEntity): void {
    const destination = message.destination ?? defaultDestination(message.topic);
    let queue = this.queues.get(destination);
    if (!queue) this.queues.set(destination, (queue = { inFlight: 0, waiting: [], limit: this.newLimit(destination) }));
    queue.waiting.push(message);
    this.pump(destination, queue);
  }

  /**
   * Lets `destination` have `attempts` under way at once on this instance: for a receiver
   * built to take many requests at once that gets a message for every payment.
   */
  allowInFlight(destination: string, attempts: number): void {
    this.inFlightAllowed.set(destination, attempts);
  }

  /**
   * A new queue's limit: learned from the destination's answers, starting low. A queue
   * lasts while its destination has messages here, and so does what was learned: one
   * that has none wants no more than it starts with.
   */
  private newLimit(destination: string): AdaptiveLimit | null {
    if (this.inFlightAllowed.has(destination)) return null;
    // The setting is at least MIN_IN_FLIGHT_PER_DESTINATION (config.ts).
    return new AdaptiveLimit(MIN_IN_FLIGHT_PER_DESTINATION, this.deps.config.outboxDestinationMaxInFlight);
  }

  private inFlightLimit(destination: string, queue = this.queues.get(destination)): number {
    return this.inFlightAllowed.get(destination) ?? queue?.limit?.current ?? MIN_IN_FLIGHT_PER_DESTINATION;
  }

  /** Leased and waiting here, at most: a batch, or what is under way at once if more. */
  private queueLimit(destination: string): number {
    return Math.max(QUEUE_MAX_PER_DESTINATION, this.inFlightLimit(destination));
  }

  private pump(destination: string, queue: DestinationQueue): void {
    // Read once: a limit learns only when an attempt ends, never while this loop starts them.
    const limit = this.inFlightLimit(destination, queue);
    while (queue.inFlight < limit && queue.waiting.length > 0) {
      const message = queue.waiting.shift()!;
      // Too late to complete within the lease: left for whoever leases it once it runs out.
      if (!this.leaseOutlastsAttempt(message)) continue;
      queue.inFlight++;
      const attempt: Promise<void> = this.attempt(message).catch(() => false).then((delivered) => {
        this.work.delete(attempt);
        queue.inFlight--;
        // Waiting: here, or left in the database by a round because this queue was full.
        if (delivered) queue.limit?.succeeded(queue.waiting.length > 0 || this.held.has(destination));
        else queue.limit?.failed();
        this.pump(destination, queue);
        if (this.load(queue) === 0) {
          this.queues.delete(destination);
          // A round left this destination's due messages in the database: fetch them now.
          if (this.held.delete(destination)) this.wake();
        }
      });
      this.work.add(attempt);
    }
  }

  private leaseOutlastsAttempt(message: OutboxMessageEntity): boolean {
    const left = (message.lockedUntil?.getTime() ?? 0) - this.deps.clock.now().getTime();
    return left >= this.deps.config.outboxDeliveryTimeoutMs + FINISH_MARGIN_MS;
  }

  /** One delivery attempt, its outcome recorded; whether it was delivered. Never rejects. */
  private async attempt(message: OutboxMessageEntity): Promise<boolean> {
    const signal = this.timeoutSignal();
    try {
      const handler = this.handlers.get(message.topic);
      if (!handler) throw new Error(`no handler for topic ${message.topic}`);
      await untilAborted(handler.deliver(message.payload, signal), signal);
    } catch (error) {
      const failure = signal.aborted ? new Error(`no answer within ${this.deps.config.outboxDeliveryTimeoutMs} ms`) : error;
      await this.failed(message, failure).catch((err) =>
        this.deps.logger.error({ messageId: message.id, err: describeFailure(err) }, "outbox failure could not be recorded"),
      );
      return false;
    }
    this.deliveredCount++;
    this.deliveredIds.push(message.id);
    if (this.deliveredIds.length >= BATCH) this.flushMarks();
    else this.markTimer ??= setTimeout(() => this.flushMarks(), COALESCE_MS);
    return true;
  }

  /**
   * A signal that aborts OUTBOX_DELIVERY_TIMEOUT_MS after the attempt starts (up to
   * SIGNAL_WINDOW_MS sooner: attempts started together share it, so a busy server sets
   * a timer every window, not one per report).
   */
  private timeoutSignal(): AbortSignal {
    const now = performance.now();
    if (!this.signal || now - this.signal.startedAt >= SIGNAL_WINDOW_MS) {
      const signal = AbortSignal.timeout(this.deps.config.outboxDeliveryTimeoutMs);
      // Every attempt of the window listens to it; that is no leak.
      setMaxListeners(0, signal);
      this.signal = { startedAt: now, signal };
    }
    return this.signal.signal;
  }

  /** Writes the delivered marks gathered so far, BATCH to an UPDATE. */
  private flushMarks(): void {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = null;
    if (this.deliveredIds.length === 0) return;
    const ids = this.deliveredIds;
    this.deliveredIds = [];
    const write: Promise<void> = this.markDelivered(ids)
      // Unmarked, they are delivered again once their leases run out (at least once).
      .catch((error) => this.deps.logger.error({ err: describeFailure(error) }, "outbox delivered marks could not be written"))
      .finally(() => this.work.delete(write));
    this.work.add(write);
  }

  private async markDelivered(ids: string[]): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now();
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const delivered = OUTBOX_MOVES.update("deliver", sql(`id IN (${BATCH_IDS})`, ...batchIds(batch)), { now });
      // Marks written at once (here, or a lease's UPDATE on another instance) move entries
      // of the same indexes and may deadlock; the mark only sets what it sets, so it runs
      // again rather than leave delivered messages to be delivered twice.
      await db.write(delivered.sql, delivered.params, { idempotent: true });
    }
  }

  /**
   * Records a failed attempt: due again after an exponential backoff, or dead once it has
   * failed for OUTBOX_GIVE_UP_AFTER_DAYS since it was created or revived. Only under this
   * attempt's lease, and never on a message delivered meanwhile.
   */
  private async failed(message: OutboxMessageEntity, error: unknown): Promise<void> {
    const { db, clock, config, logger } = this.deps;
    const now = clock.now();
    const attempts = message.attempts + 1;
    const since = (message.revivedAt ?? message.createdAt).getTime();
    const dead = now.getTime() >= since + config.outboxGiveUpAfterDays * DAY_MS;
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts - 1, 20));
    const jitter = Math.floor(Math.random() * backoff * 0.2);
    const lastError = describeFailure(error);
    const failure = { now, leaseId: message.leaseId, attempts, lastError, nextAttemptAt: dead ? now : new Date(now.getTime() + backoff + jitter) };
    const recorded = OUTBOX_MOVES.update(dead ? "giveUp" : "retry", byId(message.id), failure);
    await db.write(recorded.sql, recorded.params);
    const fields = { topic: message.topic, destination: message.destination, messageId: message.id, attempts, err: lastError };
    if (dead) logger.error(fields, "outbox message given up: dead until an admin retries it");
    else logger.warn(fields, "outbox delivery failed; will retry");
  }
}

/**
 * The destinations a pick leaves out, in a fixed number of placeholders (one statement
 * text), padded with "" (no destination's name). Past SKIP_MAX full queues, the rest are
 * left out in memory instead.
 */
const SKIP_MAX = 20;
const SKIP_PLACEHOLDERS = Array.from({ length: SKIP_MAX }, () => "?").join(", ");
function skipList(destinations: readonly string[]): string[] {
  return Array.from({ length: SKIP_MAX }, (_, i) => destinations[i] ?? "");
}

/**
 * The oldest due messages, leaving out destinations whose queue here is full. The due
 * index (deliveredAt, deadAt, nextAttemptAt, destination) answers it in order, and skips
 * those destinations without reading their rows.
 */
const pickSql = (due: Sql): string =>
  `SELECT id, topic, destination FROM outbox_messages WHERE ${due.sql} AND (destination IS NULL OR destination NOT IN (${SKIP_PLACEHOLDERS})) ORDER BY nextAttemptAt LIMIT ${BATCH}`;

/** A topic's first word ("institution" for institution.report and institution.reverse). */
export function defaultDestination(topic: string): string {
  return topic.split(".")[0];
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

/** `work`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
