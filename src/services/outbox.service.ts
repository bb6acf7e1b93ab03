import type { EntityManager } from "typeorm";
import { OutboxMessageEntity } from "../entities";
import { affectedRows } from "../database";
import type { ServiceDeps } from "./deps";
import { newId } from "./ids";

export type OutboxHandler = (payload: Record<string, unknown>) => Promise<void>;

const BATCH = 20;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Durable deliveries. A message is inserted with the same EntityManager as the change
 * that causes it, so it exists exactly when that change committed. A poller (one per
 * server instance) leases due messages with a conditional UPDATE, so two instances
 * never deliver the same one at once, and retries failures with exponential backoff.
 * Handlers must be idempotent: a crash after delivery and before marking repeats it.
 */
export class OutboxService {
  private readonly handlers = new Map<string, OutboxHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;

  constructor(private readonly deps: ServiceDeps) {}

  register(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, handler);
  }

  async enqueue(m: EntityManager, topic: string, payload: Record<string, unknown>): Promise<void> {
    const now = this.deps.clock.now();
    await m.insert(OutboxMessageEntity, {
      id: newId(),
      topic,
      payload: payload as never,
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.wake(), this.deps.config.outboxPollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Delivers what is due now (called after a commit that enqueued something). */
  wake(): void {
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error) => this.deps.logger.error({ err: errorSummary(error) }, "outbox poll failed"))
      .finally(() => {
        this.running = null;
        if (this.wakeAgain && this.timer) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /** Runs until nothing is due; for tests and shutdown. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const due = await this.dueMessages();
      if (due.length === 0) return delivered;
      for (const message of due) if (await this.deliver(message)) delivered++;
    }
  }

  private dueMessages(): Promise<OutboxMessageEntity[]> {
    const now = this.deps.clock.now();
    return this.deps.db.read((m) =>
      m
        .createQueryBuilder(OutboxMessageEntity, "o")
        .where("o.deliveredAt IS NULL AND o.nextAttemptAt <= :now", { now })
        .andWhere("(o.lockedUntil IS NULL OR o.lockedUntil < :now)", { now })
        .orderBy("o.nextAttemptAt", "ASC")
        .limit(BATCH)
        .getMany(),
    );
  }

  private async deliver(message: OutboxMessageEntity): Promise<boolean> {
    const now = this.deps.clock.now();
    const leased = await this.deps.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(OutboxMessageEntity)
        .set({ lockedUntil: new Date(now.getTime() + LEASE_MS) })
        .where("id = :id AND deliveredAt IS NULL AND (lockedUntil IS NULL OR lockedUntil < :now)", { id: message.id, now })
        .execute(),
    );
    if (affectedRows(leased) !== 1) return false;
    const handler = this.handlers.get(message.topic);
    try {
      if (!handler) throw new Error(`no handler for topic ${message.topic}`);
      await handler(message.payload);
      await this.deps.db.tx((m) =>
        m.update(OutboxMessageEntity, { id: message.id }, { deliveredAt: this.deps.clock.now(), lockedUntil: null }),
      );
      return true;
    } catch (error) {
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
      return false;
    }
  }
}

/** An error's class and message only: handler errors never carry payloads into logs. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
