import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { connectRedis, type RedisConnections } from "../../src/redis";
import { EventBus, type MessageEvent } from "../../src/services/kernel/events";
import { BUCKETS, RateLimits, type BucketLimits } from "../../src/services/kernel/rate-limits";
import { errorCodeOf } from "../support/test-data";
import { eventually } from "../support/eventually";

/**
 * Two deployments on one Redis (a staging and a production center, or the test files
 * of one run): each keeps to its namespace, so neither hears the other's live events
 * nor spends the other's rate limits, while two instances of one deployment share both.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const describeIf = redisUrl ? describe : describe.skip;

describeIf("deployments sharing one Redis", () => {
  const tag = randomBytes(4).toString("hex");
  const logger = createLogger("silent");
  const connections: RedisConnections[] = [];
  const buses: EventBus[] = [];
  const instanceOf = (namespace: string) => {
    const redis = connectRedis(redisUrl!, namespace, logger);
    connections.push(redis);
    const bus = new EventBus({ namespace, publish: redis.publish, subscribe: redis.subscribe, publishFailed: () => undefined });
    buses.push(bus);
    return { redis, bus };
  };

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    connections.forEach((redis) => redis.close());
  });

  /** Everything a subscription hears, as it arrives. */
  function listen(events: AsyncIterable<MessageEvent>): MessageEvent[] {
    const heard: MessageEvent[] = [];
    void (async () => {
      for await (const event of events) heard.push(event);
    })();
    return heard;
  }
  const message = (id: string): MessageEvent => ({ id, title: id, body: "", sentAt: new Date(0).toISOString(), read: false, notice: null });

  it("takes its namespace from the database's name unless one is set", () => {
    const base = { ADMIN_TOKEN: randomBytes(32).toString("base64url"), REDIS_URL: "redis://127.0.0.1:6379" };
    expect(loadConfig({ ...base, DATABASE_URL: "mysql://root@127.0.0.1:3306/wallet_staging" }).redisNamespace).toBe("wallet_staging");
    expect(loadConfig({ ...base, DATABASE_URL: "mysql://root@127.0.0.1:3306/wallet_staging", REDIS_NAMESPACE: "tokyo-1" }).redisNamespace).toBe("tokyo-1");
    expect(loadConfig(base).redisNamespace).toBe("embedded");
    expect(() => loadConfig({ ...base, REDIS_NAMESPACE: "two words" })).toThrow(/REDIS_NAMESPACE/);
  });

  it("hears live events of its own deployment's instances only", async () => {
    const a1 = instanceOf(`a-${tag}`);
    const a2 = instanceOf(`a-${tag}`);
    const b = instanceOf(`b-${tag}`);
    await Promise.all(connections.map((redis) => redis.ready(5_000)));
    const onA2 = listen(a2.bus.messages("customer-1"));
    const onB = listen(b.bus.messages("customer-1"));
    // Subscriptions are made asynchronously: publish until the other instance hears one.
    await eventually(() => {
      a1.bus.messageSent(["customer-1"], message("from-a"));
      return onA2.length > 0;
    });
    // Redis delivers in the order it took the publishes: once B hears its own marker,
    // anything of A's it was going to hear has arrived.
    await eventually(() => {
      b.bus.messageSent(["customer-1"], message("marker-b"));
      return onB.length > 0;
    });
    expect(new Set(onA2.map((m) => m.id))).toEqual(new Set(["from-a"]));
    expect(new Set(onB.map((m) => m.id))).toEqual(new Set(["marker-b"]));
  });

  it("keeps rate limits apart: one deployment spending a window leaves the other's whole", async () => {
    const limits = Object.fromEntries(BUCKETS.map((bucket) => [bucket, 2])) as BucketLimits;
    const a1 = new RateLimits(limits, instanceOf(`ra-${tag}`).redis.general);
    const a2 = new RateLimits(limits, instanceOf(`ra-${tag}`).redis.general);
    const b = new RateLimits(limits, instanceOf(`rb-${tag}`).redis.general);
    await Promise.all(connections.map((redis) => redis.ready(5_000)));
    await a1.consume("loginPerAddress", "203.0.113.7");
    await a2.consume("loginPerAddress", "203.0.113.7");
    // The deployment's two instances count together...
    expect(await errorCodeOf(a1.consume("loginPerAddress", "203.0.113.7"))).toBe("RATE_LIMITED");
    // ...and the other deployment has its own window.
    await b.consume("loginPerAddress", "203.0.113.7");
    await b.consume("loginPerAddress", "203.0.113.7");
    expect(await errorCodeOf(b.consume("loginPerAddress", "203.0.113.7"))).toBe("RATE_LIMITED");
  });
});
