import { In, IsNull, type EntityManager } from "typeorm";
import { OutboxMessageEntity } from "../entities";
import type { ServiceDeps } from "./deps";
import { newId } from "./ids";

export type OutboxHandler = (payload: Record<string, unknown>) => Promise<void>;

const BATCH = 50;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;
/** A wake-up waits this long, so the commits of a busy moment are delivered as one batch. */
const COALESCE_MS = 25;

/**
 * Durable deliveries. A message is inserted with the same EntityManager as the change
 * that causes it, so it exists exactly when that change committed. A worker (one per
 * server instance) leases a batch of due messages in one UPDATE marked with its own
 * lease id, so two instances never deliver the same message at once, delivers them, and
 * retries failures with exponential backoff. Handlers must be idempotent: a crash after
 * delivery and before marking repeats a delivery.
 */
export class OutboxService {
  private readonly handlers = new Map<string, OutboxHandler>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;

  constructor(private readonly deps: ServiceDeps) {}

  register(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, handler);
  }

  async enqueue(m: EntityManager, topic: string, payload: Record<string, unknown>): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.sql(m).insert(OutboxMessageEntity, {
      id: newId(),
      topic,
      payload: payload as never,
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
      leaseId: null,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    });
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
    await this.running;
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
   * Delivers until nothing is due, after any round already under way (whose leases would
   * otherwise hide its messages); returns how many it delivered itself.
   */
  async drain(): Promise<number> {
    await this.running;
    return this.deliverDue();
  }

  private async deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.leaseBatch();
      if (batch.length === 0) return delivered;
      delivered += await this.deliver(batch);
    }
  }

  private async leaseBatch(): Promise<OutboxMessageEntity[]> {
    const now = this.deps.clock.now();
    const due = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(OutboxMessageEntity, "o")
        .select("o.id")
        .where("o.deliveredAt IS NULL AND o.nextAttemptAt <= :now", { now })
        .andWhere("(o.lockedUntil IS NULL OR o.lockedUntil < :now)", { now })
        .orderBy("o.nextAttemptAt", "ASC")
        .limit(BATCH)
        .getMany(),
    );
    if (due.length === 0) return [];
    const leaseId = newId();
    await this.deps.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(OutboxMessageEntity)
        .set({ lockedUntil: new Date(now.getTime() + LEASE_MS), leaseId })
        .where({ id: In(due.map((d) => d.id)) })
        .andWhere("deliveredAt IS NULL AND (lockedUntil IS NULL OR lockedUntil < :now)", { now })
        .execute(),
    );
    // Another instance may have leased some of them first: only ours are delivered here.
    return this.deps.db.read((m) => m.findBy(OutboxMessageEntity, { leaseId, deliveredAt: IsNull() }));
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
      await this.deps.db.tx((m) =>
        m.update(OutboxMessageEntity, { id: In(delivered) }, { deliveredAt: this.deps.clock.now(), lockedUntil: null }),
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

/** An error's class and message only: handler errors never carry payloads into logs. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
