import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, WalletError } from "./errors";

export type Bucket = "loginPerPhone" | "loginPerAddress" | "codeIssuePerPhone" | "codeUsePerRegister";

export type BucketLimits = Record<Bucket, number>;

/**
 * Fixed-window limits per minute, counted per attempt: every field a request runs
 * consumes one point, so aliasing a mutation ten times costs ten. With Redis the
 * counters are shared by all server instances; without it, and while Redis cannot be
 * reached (the library's insurance limiter), they are per process: a payment system
 * keeps taking payments when its counter store is down.
 */
export class RateLimits {
  private readonly limiters: Record<Bucket, RateLimiterAbstract>;

  /** `redis` should fail commands at once while disconnected (no offline queue). */
  constructor(limits: BucketLimits, redis?: Redis) {
    const make = (bucket: Bucket): RateLimiterAbstract => {
      const options = { keyPrefix: `wc-rl-${bucket}`, points: limits[bucket], duration: 60 };
      return redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
    };
    this.limiters = {
      loginPerPhone: make("loginPerPhone"),
      loginPerAddress: make("loginPerAddress"),
      codeIssuePerPhone: make("codeIssuePerPhone"),
      codeUsePerRegister: make("codeUsePerRegister"),
    };
  }

  /** Counts one attempt; throws RATE_LIMITED (with retryAfterSeconds) once over the limit. */
  async consume(bucket: Bucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new WalletError(ErrorCode.RATE_LIMITED, "Too many attempts; try again later", {
          retryAfterSeconds: Math.ceil(rejection.msBeforeNext / 1000),
        });
      }
      throw rejection;
    }
  }
}
