import Redis, { type RedisOptions } from "ioredis";
import type { Logger } from "./logger";

/**
 * The server's Redis connections. Redis carries rate-limit counters and live events
 * between instances; it holds nothing a payment needs, so while it is unreachable the
 * server keeps taking payments: limits count per instance (rate-limits.ts) and live
 * events stay lost until it is back (events.ts). ioredis reconnects by itself.
 */
export interface RedisConnections {
  /**
   * This deployment's part of a Redis that others may share (REDIS_NAMESPACE): every key
   * the general connection writes starts with it (ioredis's keyPrefix), and the event
   * bus puts it before every channel (events.ts), so a staging and a production center
   * on one Redis never share a rate limit, a lease or an event.
   */
  namespace: string;
  /**
   * Rate-limit counters and leases: a command fails at once while disconnected, never
   * queues. The commands of one event-loop turn go out in one write, as the publishes
   * do: a thousand registers' wrong-code checks would otherwise cost a socket write each.
   */
  general: Redis;
  /** Publishes of one event-loop turn go out in one write; fail at once while disconnected. */
  publish: Redis;
  /** Subscriptions, renewed by ioredis on reconnect; its commands wait for the connection. */
  subscribe: Redis;
  /** Called by whoever sees a command fail, so an outage is logged once, not per command. */
  failed(role: Role, error: unknown): void;
  /** Resolves once all three are connected, or after `timeoutMs` (Redis may be down). */
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

type Role = "general" | "publish" | "subscribe";

export function connectRedis(url: string, namespace: string, logger: Logger): RedisConnections {
  const down = new Set<Role>();
  const failed = (role: Role, error: unknown) => {
    if (down.has(role)) return;
    down.add(role);
    // The message only: a connection error names host and port, never the URL's password.
    logger.warn({ redis: role, err: (error as Error)?.message ?? String(error) }, "redis unreachable; going on without it");
  };
  const connect = (role: Role, options: RedisOptions) => {
    const redis = new Redis(url, options);
    // Without a listener ioredis reports every failed reconnect as an unhandled error.
    redis.on("error", (error) => failed(role, error));
    redis.on("ready", () => {
      if (down.delete(role)) logger.info({ redis: role }, "redis reachable again");
    });
    return redis;
  };
  const general = connect("general", { enableOfflineQueue: false, enableAutoPipelining: true, maxRetriesPerRequest: 2, keyPrefix: `${namespace}:` });
  const publish = connect("publish", { enableOfflineQueue: false, enableAutoPipelining: true });
  const subscribe = connect("subscribe", { maxRetriesPerRequest: null });
  return {
    namespace,
    general,
    publish,
    subscribe,
    failed,
    async ready(timeoutMs) {
      const connected = (redis: Redis) =>
        redis.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => redis.once("ready", () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([general, publish, subscribe].map(connected)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    },
    close() {
      for (const redis of [general, publish, subscribe]) redis.disconnect();
    },
  };
}
