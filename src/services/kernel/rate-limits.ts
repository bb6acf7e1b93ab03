import type Redis from "ioredis";
import { LRUCache } from "lru-cache";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../../config";
import { rateLimited } from "./errors";
import {
  FREE_FAILURES_PER_ADDRESS,
  FREE_FAILURES_PER_PHONE,
  FREE_FAILURES_PER_PHONE_EVERYWHERE,
  FREE_FAILURES_PER_SESSION,
  GuessThrottle,
  type GuessLimit,
} from "./guess-throttle";
import { KnownAddresses } from "./known-addresses";
import { OwedTries } from "./owed-tries";

export type Bucket =
  | "loginPerPhone"
  | "loginPerAddress"
  | "codeIssuePerPhone"
  | "wrongCodePerTerminal"
  | "paymentRequestPerRegister"
  | "paymentRequestPerPhonePerRegister"
  | "memberLookupPerRegister"
  | "anonymousSocketPerAddress"
  | "signUpCodePerPhone"
  | "signUpPerAddress"
  | "gateSearchPerGate";

export type BucketLimits = Record<Bucket, number>;

/** Each bucket's limit, from the configuration. */
export function bucketLimits(limits: Config["rateLimits"]): BucketLimits {
  return {
    loginPerPhone: limits.loginPerPhonePerMin,
    loginPerAddress: limits.loginPerAddressPerMin,
    codeIssuePerPhone: limits.codeIssuePerPhonePerMin,
    wrongCodePerTerminal: limits.wrongCodesPerTerminalPerMin,
    paymentRequestPerRegister: limits.paymentRequestsPerRegisterPerMin,
    paymentRequestPerPhonePerRegister: limits.paymentRequestsPerPhonePerRegisterPerMin,
    memberLookupPerRegister: limits.memberLookupsPerRegisterPerMin,
    anonymousSocketPerAddress: limits.anonymousSocketsPerAddressPerMin,
    signUpCodePerPhone: limits.signUpCodesPerPhonePerHour,
    signUpPerAddress: limits.signUpsPerAddressPerHour,
    gateSearchPerGate: limits.gateSearchesPerGatePerMin,
  };
}

/** Every limit that may refuse: the per-minute buckets and the password-guessing throttles. */
export type Limit = Bucket | GuessLimit;

/** Told of each refusal, by the limit that refused (the operator's metrics count them). */
export type OnRefused = (limit: Limit) => void;

export const BUCKETS: readonly Bucket[] = [
  "loginPerPhone",
  "loginPerAddress",
  "codeIssuePerPhone",
  "wrongCodePerTerminal",
  "paymentRequestPerRegister",
  "paymentRequestPerPhonePerRegister",
  "memberLookupPerRegister",
  "anonymousSocketPerAddress",
  "signUpCodePerPhone",
  "signUpPerAddress",
  "gateSearchPerGate",
];

/** Each bucket's window: a minute, but an hour for sign-ups (every code sent is an SMS someone pays for). */
const WINDOW_SECONDS: Partial<Record<Bucket, number>> = { signUpCodePerPhone: 3600, signUpPerAddress: 3600 };

/**
 * Fixed-window limits (per minute, sign-ups per hour), counted per attempt: every field a request runs
 * consumes one point, so aliasing a mutation ten times costs ten. With Redis the
 * counters are shared by all server instances; without it, and while Redis cannot be
 * reached (the library's insurance limiter), they are per process: a payment system
 * keeps taking payments when its counter store is down.
 */
export class RateLimits {
  private readonly limiters: Record<Bucket, RateLimiterAbstract>;
  /** Keys found over their limit, until their window ends: refused here without asking Redis. */
  private readonly refusedUntil = new LRUCache<string, number>({ max: 10_000 });
  /** Guessing tries given back and not yet returned to their counters. */
  private readonly owedTries = new OwedTries();
  /**
   * Password guessing, with growing delays (guess-throttle.ts), on top of the windows:
   * login per phone number from one address, per address, and per phone number from every
   * address (a ceiling known addresses pass); and the password asked inside a session.
   */
  readonly guessing: {
    phoneFromAddress: GuessThrottle;
    address: GuessThrottle;
    phoneEverywhere: GuessThrottle;
    session: GuessThrottle;
    knownAddresses: KnownAddresses;
  };

  /** `redis` should fail commands at once while disconnected (no offline queue). */
  constructor(
    limits: BucketLimits,
    redis?: Redis,
    private readonly onRefused: OnRefused = () => {},
  ) {
    const make = (bucket: Bucket): RateLimiterAbstract => {
      const options = { keyPrefix: `wc-rl-${bucket}`, points: limits[bucket], duration: WINDOW_SECONDS[bucket] ?? 60 };
      return redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
    };
    this.limiters = Object.fromEntries(BUCKETS.map((bucket) => [bucket, make(bucket)])) as Record<Bucket, RateLimiterAbstract>;
    this.guessing = {
      phoneFromAddress: new GuessThrottle("loginPhoneAddress", FREE_FAILURES_PER_PHONE, redis, onRefused),
      address: new GuessThrottle("loginAddress", FREE_FAILURES_PER_ADDRESS, redis, onRefused),
      phoneEverywhere: new GuessThrottle("loginPhone", FREE_FAILURES_PER_PHONE_EVERYWHERE, redis, onRefused),
      session: new GuessThrottle("session", FREE_FAILURES_PER_SESSION, redis, onRefused),
      knownAddresses: new KnownAddresses(redis),
    };
  }

  /** Counts one attempt; throws RATE_LIMITED (with retryAfterSeconds) once over the limit. */
  async consume(bucket: Bucket, key: string): Promise<void> {
    await this.consumeNet(bucket, key, 1);
  }

  /**
   * Counts `points` (fewer than one when tries given back ride along) in one call;
   * resolves to the ms before the window ends, or throws RATE_LIMITED once over the limit.
   */
  private async consumeNet(bucket: Bucket, key: string, points: number): Promise<number> {
    try {
      return (await this.limiters[bucket].consume(key, points)).msBeforeNext;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.refusedUntil.set(`${bucket}:${key}`, Date.now() + rejection.msBeforeNext, { ttl: Math.max(1, rejection.msBeforeNext) });
        this.onRefused(bucket);
        throw rateLimited(rejection.msBeforeNext);
      }
      throw rejection;
    }
  }

  /** Gives back one attempt counted in this window (a socket that proved its credential). */
  async refund(bucket: Bucket, key: string): Promise<void> {
    await this.limiters[bucket].reward(key, 1);
  }

  /**
   * A limit on guessing: each attempt takes its try before it runs (refused once the
   * limit is spent), so however many race, at most the limit are ever checked; only a
   * failure `isWrongGuess` recognizes keeps it, anything else gives it back. A key that
   * went over is refused at once on this instance until its window ends, without asking
   * the counters.
   */
  async countWrongGuesses<T>(bucket: Bucket, key: string, attempt: () => Promise<T>, isWrongGuess: (error: unknown) => boolean): Promise<T> {
    const guess = await this.takeGuess(bucket, key);
    try {
      const result = await attempt();
      await guess.giveBack();
      return result;
    } catch (error) {
      if (!isWrongGuess(error)) await guess.giveBack();
      throw error;
    }
  }

  /**
   * Takes one try of a guessing limit before the guess is checked; give it back if the
   * guess was not wrong. A try given back is owed to the counter until the key's next
   * try, which returns it in the same call (owed-tries.ts).
   */
  async takeGuess(bucket: Bucket, key: string): Promise<{ giveBack(): Promise<void> }> {
    this.refuseIfOver(bucket, key);
    const id = `${bucket}:${key}`;
    const windowEndsAt = Date.now() + (await this.consumeNet(bucket, key, 1 - this.owedTries.takeOwed(id)));
    let given = false;
    return {
      giveBack: async () => {
        if (given) return;
        given = true;
        this.owedTries.giveBack(id, windowEndsAt);
      },
    };
  }

  /** Throws RATE_LIMITED if this instance already saw `key` go over its limit in this window. */
  refuseIfOver(bucket: Bucket, key: string): void {
    const until = this.refusedUntil.get(`${bucket}:${key}`);
    if (until !== undefined && until > Date.now()) {
      this.onRefused(bucket);
      throw rateLimited(until - Date.now());
    }
  }
}
