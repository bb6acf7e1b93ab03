import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { rateLimited, type WalletError } from "./errors";

/** Consecutive failed logins for one phone number from one address that cost no waiting. */
export const FREE_FAILURES_PER_PHONE = 5;
/**
 * The same for one phone number from every address together: the ceiling on guessing
 * spread over many addresses, far above what its owner ever fails. An address the number
 * has logged in from before is not held by it (known-addresses.ts).
 */
export const FREE_FAILURES_PER_PHONE_EVERYWHERE = 100;
/** The same for one client address: higher, since many customers may share one. */
export const FREE_FAILURES_PER_ADDRESS = 20;
/** Wrong passwords inside one session (a lost phone that is still logged in). */
export const FREE_FAILURES_PER_SESSION = 5;
/** The wait after the last free failure; each further failure doubles it, up to the cap. */
export const FIRST_DELAY_SECONDS = 1;
export const MAX_DELAY_SECONDS = 15 * 60;
/** The longest a password check past the free failures holds its key's gate (a dead process's check). */
export const CHECK_HOLD_SECONDS = 60;
/** A run of failures is forgotten after this long without one. */
export const FORGET_AFTER_SECONDS = 24 * 3600;

/** How long a key waits after its `failures`-th consecutive failure. */
export function delaySeconds(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(FIRST_DELAY_SECONDS * 2 ** Math.min(failures - freeFailures, 30), MAX_DELAY_SECONDS);
}

/** The names of the throttles (rate-limits.ts makes one of each). */
export type GuessLimit = "loginPhoneAddress" | "loginPhone" | "loginAddress" | "session";

/** One password check let through by a throttle; its outcome must be reported once. */
export interface Admitted {
  readonly key: string;
  /** Consecutive failures of the key if this check fails too (it counts as one until it proves right). */
  readonly failures: number;
  /** Past the free failures only one check of a key runs at a time: this one holds the gate. */
  readonly holdsGate: boolean;
}

/**
 * Throttles password guessing on one key (a phone number, an address, a session) with
 * growing delays instead of a lock, as NIST SP 800-63B 5.2.2 describes: the first
 * `freeFailures` consecutive failures are free; after that each attempt waits until
 * the delay of the last failure has passed (1 s, 2 s, 4 s, ... up to 15 minutes). A
 * right password ends the run; a run is forgotten after 24 h without failures.
 *
 * Two counters of rate-limiter-flexible hold the state (shared through Redis when there
 * is one, per process without it and while it is down): the run's failures, and a gate
 * that is closed during a delay. A check is counted as a failure before the password is
 * hashed, so parallel guesses cannot slip past the free ones together; past them, the
 * gate lets one check through at a time. A refused attempt costs no hash.
 *
 * A run's failures are counted from its first failure; once the delays start, every
 * failure renews the 24 h (before that the failures are free anyway).
 */
export class GuessThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly gate: RateLimiterAbstract;

  /** `redis` should fail commands at once while disconnected (no offline queue). */
  constructor(
    private readonly name: GuessLimit,
    readonly freeFailures: number,
    redis?: Redis,
    /** Told of each refused attempt. */
    private readonly onRefused: (limit: GuessLimit) => void = () => {},
  ) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix, points, duration };
      return redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
    };
    this.failures = make(`wc-rl-guess-${name}`, freeFailures, FORGET_AFTER_SECONDS);
    this.gate = make(`wc-rl-guess-${name}-gate`, 1, MAX_DELAY_SECONDS);
  }

  /** Lets a check run, or throws RATE_LIMITED (with retryAfterSeconds) while the key waits. */
  async admit(key: string): Promise<Admitted> {
    const [counted, gate] = await Promise.all([this.failures.get(key), this.gate.get(key)]);
    if (gate && gate.msBeforeNext > 0) throw this.refused(gate.msBeforeNext);
    const before = counted?.consumedPoints ?? 0;
    if (before >= this.freeFailures) {
      // Delays have started: through the gate first, so refused attempts leave the count alone.
      await this.passGate(key, before + 1);
      const failures = (await this.failures.penalty(key)).consumedPoints;
      return { key, failures, holdsGate: true };
    }
    const failures = (await this.failures.penalty(key)).consumedPoints;
    if (failures <= this.freeFailures) return { key, failures, holdsGate: false };
    // Parallel checks raced past the free failures: one goes on, the others are refused.
    try {
      await this.passGate(key, failures);
    } catch (refusal) {
      await this.failures.reward(key);
      throw refusal;
    }
    return { key, failures, holdsGate: true };
  }

  /** The password was wrong: the failure stays counted, and the delay starts. */
  async failed(attempt: Admitted): Promise<void> {
    const delay = delaySeconds(attempt.failures, this.freeFailures);
    await Promise.all([
      delay > 0 ? this.gate.block(attempt.key, delay) : null,
      // Only the gate's holder writes the count now, so renewing it loses nothing.
      attempt.holdsGate ? this.failures.set(attempt.key, attempt.failures, FORGET_AFTER_SECONDS) : null,
    ]);
  }

  /** The password was right: the run ends. */
  async succeeded(attempt: Admitted): Promise<void> {
    await Promise.all([this.failures.delete(attempt.key), this.gate.delete(attempt.key)]);
  }

  /** The check did not happen (another throttle refused, or it failed): nothing is counted. */
  async released(attempt: Admitted): Promise<void> {
    await Promise.all([this.failures.reward(attempt.key), attempt.holdsGate ? this.gate.delete(attempt.key) : null]);
  }

  /**
   * Takes the gate for one check. It stays closed while the check runs, however long a
   * loaded machine takes to hash (the outcome then closes it for the delay, or opens it),
   * and at least for the delay this check's failure would start; a check whose process
   * died frees it after CHECK_HOLD_SECONDS.
   */
  private async passGate(key: string, failures: number): Promise<void> {
    try {
      await this.gate.consume(key, 1, { customDuration: Math.max(CHECK_HOLD_SECONDS, delaySeconds(failures, this.freeFailures)) });
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw this.refused(rejection.msBeforeNext);
      throw rejection;
    }
  }

  private refused(msBeforeNext: number): WalletError {
    this.onRefused(this.name);
    return rateLimited(msBeforeNext);
  }
}

/** The outcome of a throttled check: right or wrong, and the failures counted on the first key. */
export interface ThrottledOutcome {
  right: boolean;
  failures: number;
}

/**
 * Runs `check` (a password comparison) only if every throttle lets it through; reports
 * the outcome to each. A refusal answers the longest wait of the throttles that refused.
 */
export async function throttledCheck(keys: Array<[GuessThrottle, string]>, check: () => Promise<boolean>): Promise<ThrottledOutcome> {
  const admissions = await Promise.allSettled(keys.map(([throttle, key]) => throttle.admit(key)));
  const admitted = admissions.flatMap((a, i) => (a.status === "fulfilled" ? [{ throttle: keys[i][0], attempt: a.value }] : []));
  const refusals = admissions.flatMap((a) => (a.status === "rejected" ? [a.reason as unknown] : []));
  if (refusals.length > 0) {
    await Promise.all(admitted.map(({ throttle, attempt }) => throttle.released(attempt)));
    throw longestWait(refusals);
  }
  let right: boolean;
  try {
    right = await check();
  } catch (error) {
    await Promise.all(admitted.map(({ throttle, attempt }) => throttle.released(attempt)));
    throw error;
  }
  await Promise.all(admitted.map(({ throttle, attempt }) => (right ? throttle.succeeded(attempt) : throttle.failed(attempt))));
  return { right, failures: admitted[0].attempt.failures };
}

function longestWait(refusals: unknown[]): unknown {
  const seconds = (e: unknown) => Number((e as WalletError).details?.retryAfterSeconds ?? 0);
  return refusals.reduce((longest, next) => (seconds(next) > seconds(longest) ? next : longest));
}
