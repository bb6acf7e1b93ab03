import type { Clock } from "../../clock";

/** The part of a Redis client the leases use (ioredis). */
export interface LeaseStore {
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  exists(...keys: string[]): Promise<number>;
}

/** How long a lease lives in Redis unless its owner renews it; renewed every third of it. */
export const LEASE_TTL_MS = 3_000;

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
 */
export class ProcessingLeases {
  readonly #own = new Map<string, Lease>();

  constructor(
    private readonly clock: Clock,
    private readonly store: LeaseStore | null,
  ) {}

  /** Runs `work` holding the payment's lease. */
  async hold<T>(paymentId: string, work: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = new Lease(this.clock);
    this.#own.set(paymentId, lease);
    // The first write to Redis comes a renewal period in: a payment decided sooner (nearly
    // all) costs Redis nothing, and recovery looks only at payments seconds past their deadline.
    let written = false;
    const renew = () => {
      if (!lease.working || !this.store) return;
      written = true;
      this.store.set(leaseKey(paymentId), "1", "PX", LEASE_TTL_MS).catch(noop);
    };
    const timer = setInterval(renew, LEASE_TTL_MS / 3);
    timer.unref();
    try {
      return await work(lease);
    } finally {
      clearInterval(timer);
      lease.release();
      this.#own.delete(paymentId);
      if (written) this.store?.del(leaseKey(paymentId)).catch(noop);
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
