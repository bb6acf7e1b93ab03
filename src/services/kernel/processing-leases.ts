import type { Clock } from "../../clock";

/** The part of a Redis client the leases use (ioredis). */
export interface LeaseStore {
  exists(...keys: string[]): Promise<number>;
  /** Commands sent together, in one write, when `exec` is called. */
  pipeline(): LeaseBatch;
}

export interface LeaseBatch {
  set(key: string, value: string, px: "PX", ms: number): unknown;
  del(key: string): unknown;
  exec(): Promise<unknown>;
}

/** How long a lease lives in Redis unless its owner renews it; renewed every third of it. */
export const LEASE_TTL_MS = 3_000;
/** Leases are written, renewed and deleted together, once each this long. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 3;

/** The Redis key of a payment's lease. */
export const leaseKey = (paymentId: string) => `wallet:processing:${paymentId}`;
const noop = () => undefined;

/**
 * One payment this instance is working on: from before its PROCESSING commit to its
 * decision's commit, or to the end of its institution call's timeout if that call hangs.
 */
export class Lease {
  /** When this instance stops waiting for the institution; null before it asks. */
  #waitsUntil: number | null = null;
  #answered = false;
  #released = false;
  /** When (performance.now()) its work began. */
  readonly startedAt = performance.now();

  constructor(private readonly clock: Clock) {}

  /**
   * Whether this instance is still working on the payment: committing it, waiting for the
   * institution within its timeout, or recording the answer it got, however long the
   * database takes for any of it (as in a Galera cluster's pause after a node's loss). An
   * instance whose institution call hangs past its timeout is as good as dead for it.
   */
  get working(): boolean {
    if (this.#released) return false;
    return this.#answered || this.#waitsUntil === null || this.clock.now().getTime() < this.#waitsUntil;
  }

  /** The institution is asked now, and waited for until `at` (ms since the epoch). */
  waitUntil(at: number): void {
    this.#waitsUntil = at;
  }

  /** The institution answered (or the call failed): what is left is recording it. */
  answered(): void {
    this.#answered = true;
  }

  /** @internal */
  release(): void {
    this.#released = true;
  }
}

/**
 * Which PROCESSING payments an instance is still working on, so that recovery (which
 * reverses payments a crash left half-way) never reverses one whose instance is alive
 * and recording its answer, however long the database takes. This instance's own are
 * known here; another instance's are known by a key in Redis that the owner writes after a
 * second of work, renews every second while it works, and that expires, by Redis's clock, LEASE_TTL_MS after the last
 * renewal (after a crash, or once the owner stops waiting). Redis, not the database:
 * the database is what stalls (a Galera cluster pauses every writer while it notices a
 * dead node), and a lease renewed through it would lapse in every instance at once.
 * Without Redis, or while it fails, only this instance's own are known, and recovery
 * goes by the processing deadline alone.
 *
 * One timer, every RENEW_EVERY_MS while any lease is held, writes every lease a second
 * old or more and deletes those written and since released, in one pipelined write: a
 * thousand payments waiting at once cost Redis one round trip a second, not a timer and
 * a SET each a second and a DEL each at the end. A lease is first written between one
 * and two seconds into its work, long before recovery looks at it (seconds past its
 * processing deadline).
 */
export class ProcessingLeases {
  readonly #own = new Map<string, Lease>();
  /** Leases written to Redis and still held. */
  readonly #written = new Set<string>();
  /** Leases written to Redis and released since the last round: deleted at the next. */
  #toDelete: string[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly store: LeaseStore | null,
  ) {}

  /** Runs `work` holding the payment's lease. */
  async hold<T>(paymentId: string, work: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = new Lease(this.clock);
    this.#own.set(paymentId, lease);
    // Nearly every payment is decided within a second and costs Redis nothing.
    if (this.store && !this.#timer) {
      this.#timer = setInterval(() => this.#round(), RENEW_EVERY_MS);
      this.#timer.unref();
    }
    try {
      return await work(lease);
    } finally {
      lease.release();
      this.#own.delete(paymentId);
      if (this.#written.delete(paymentId)) this.#toDelete.push(paymentId);
    }
  }

  /** Writes the leases a second old or more (renewing those written before) and deletes the released ones, together. */
  #round(): void {
    if (!this.store) return;
    const batch = this.store.pipeline();
    let commands = 0;
    const now = performance.now();
    for (const [paymentId, lease] of this.#own) {
      if (!lease.working || now - lease.startedAt < RENEW_EVERY_MS) continue;
      batch.set(leaseKey(paymentId), "1", "PX", LEASE_TTL_MS);
      this.#written.add(paymentId);
      commands++;
    }
    for (const paymentId of this.#toDelete) batch.del(leaseKey(paymentId));
    commands += this.#toDelete.length;
    this.#toDelete = [];
    if (commands > 0) batch.exec().catch(noop);
    if (this.#own.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** Whether an instance is still working on the payment: this one, or another by its lease in Redis. */
  async working(paymentId: string): Promise<boolean> {
    const own = this.#own.get(paymentId);
    if (own) return own.working;
    if (!this.store) return false;
    try {
      return (await this.store.exists(leaseKey(paymentId))) > 0;
    } catch {
      return false;
    }
  }
}
