import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { ManualClock } from "../../src/clock";
import { ProcessingLeases, leaseKey } from "../../src/services/kernel/processing-leases";
import { eventually } from "../support/eventually";

const describeIf = process.env.TEST_REDIS_URL ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Leases in Redis, written and renewed together once a second: what another instance's
 * recovery sees of the payments this one is working on.
 */
describeIf("processing leases in Redis", () => {
  const prefix = `leases-test-${randomBytes(4).toString("hex")}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL!, { keyPrefix: prefix });
  });
  afterAll(() => redis.quit());

  it("writes nothing for a payment decided within a second", async () => {
    const leases = new ProcessingLeases(new ManualClock(), redis);
    await leases.hold("quick", () => sleep(200));
    await sleep(1200);
    expect(await redis.exists(leaseKey("quick"))).toBe(0);
  });

  it("writes a lease another instance sees after a second of work, renews it, and deletes it once released", async () => {
    const owner = new ProcessingLeases(new ManualClock(), redis);
    const other = new ProcessingLeases(new ManualClock(), redis);
    let finish!: () => void;
    const held = owner.hold("slow", () => new Promise<void>((resolve) => (finish = resolve)));
    expect(await owner.working("slow")).toBe(true);
    expect(await eventually(() => other.working("slow"), 3000, 50)).toBe(true);
    // Renewed: still there past the first write's expiry.
    await sleep(3500);
    expect(await other.working("slow")).toBe(true);
    finish();
    await held;
    expect(await eventually(async () => !(await other.working("slow")), 1500, 50)).toBe(true);
  });
});
