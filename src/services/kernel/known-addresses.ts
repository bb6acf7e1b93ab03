import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * How long an address a phone number logged in from stays known to it (renewed at each
 * login). Under 24.8 days: the in-memory store expires keys with a timer, and a longer
 * one overflows Node's 32-bit timeout and fires at once.
 */
export const REMEMBER_SECONDS = 21 * 24 * 3600;

/**
 * The addresses each phone number has logged in from with its right password, for
 * REMEMBER_SECONDS: the owner's own networks. Strangers guessing a number from many
 * addresses hold it at a ceiling (docs/security.md); a known address passes it, so
 * they cannot keep the owner out from where the owner logs in. Kept where the limits are
 * (Redis when there is one, per process without it and while it is down).
 */
export class KnownAddresses {
  private readonly store: RateLimiterAbstract;

  /** `redis` should fail commands at once while disconnected (no offline queue). */
  constructor(redis?: Redis) {
    const options = { keyPrefix: "wc-known-login-address", points: 1, duration: REMEMBER_SECONDS };
    this.store = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  }

  async has(phone: string, address: string): Promise<boolean> {
    return ((await this.store.get(pairKey(phone, address)))?.consumedPoints ?? 0) > 0;
  }

  async remember(phone: string, address: string): Promise<void> {
    await this.store.set(pairKey(phone, address), 1, REMEMBER_SECONDS);
  }
}

/** One phone number from one client address: the key of the per-pair login limits. */
export const pairKey = (phone: string, address: string): string => `${phone}@${address}`;
