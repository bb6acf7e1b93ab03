import { ManualClock } from "../../src/clock";
import { DEFAULT_POOL_SIZE } from "../../src/database";
import { KEY_FRESH_MS } from "../../src/services/access/credential.service";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { serviceWorld, type ServiceWorld } from "../support/service-world";

/**
 * API keys are cached for a minute, so a busy register's key is not read at every
 * request; a revocation still ends the key everywhere within a second, announced or not,
 * because the cache answers only while a look for revoked keys has answered lately.
 */
describe.each(engines)("the API key cache (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());

  async function newKey() {
    const { store } = await world.services.admin.createStore(world.admin, { name: "Corner Store", currency: "JPY", programId: null, timeZone: null, webhookUrl: null });
    return world.services.admin.issueApiKey(world.admin, "REGISTER", store.id);
  }
  const kindOf = async (key: string) => (await world.callerOf(key)).kind;
  /** Revoked behind the service's back: no announcement reaches the cache, as when Redis loses it. */
  const revokeUnannounced = (id: string) => world.deps.db.write("UPDATE api_keys SET revokedAt = ? WHERE id = ?", [clock.now(), id]);

  it("refuses a key revoked without an announcement within a second, though it was cached", async () => {
    const { id, key } = await newKey();
    expect(await kindOf(key)).toBe("register");
    expect(await kindOf(key)).toBe("register");
    await revokeUnannounced(id);
    const revokedAt = Date.now();
    expect(await eventually(async () => (await kindOf(key)) === "invalid", 2000)).toBe(true);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it("keeps answering from the cache while the looks answer, longer than a second", async () => {
    const { key } = await newKey();
    expect(await kindOf(key)).toBe("register");
    const reads = jest.spyOn(world.deps.db, "read");
    try {
      let byLookups = 0;
      for (let i = 0; i < 3; i++) {
        // Looks run meanwhile; what the lookup itself reads is counted.
        await new Promise((resolve) => setTimeout(resolve, KEY_FRESH_MS + 250));
        const before = reads.mock.calls.length;
        expect(await kindOf(key)).toBe("register");
        byLookups += reads.mock.calls.length - before;
      }
      expect(byLookups).toBe(0);
    } finally {
      reads.mockRestore();
    }
  });

  (engine === "mysql" ? it : it.skip)("answers from the cache while every pooled connection is held: the looks have a connection of their own", async () => {
    const { key } = await newKey();
    expect(await kindOf(key)).toBe("register");
    // Requests holding every pooled connection longer than KEY_FRESH_MS, as under a long pool wait.
    const held = Promise.all(Array.from({ length: DEFAULT_POOL_SIZE }, () => world.deps.db.read((m) => m.query("SELECT SLEEP(2)"))));
    await new Promise((resolve) => setTimeout(resolve, KEY_FRESH_MS + 250));
    const asked = performance.now();
    expect(await kindOf(key)).toBe("register");
    expect(performance.now() - asked).toBeLessThan(500);
    await held;
  });

  (engine === "mysql" ? it : it.skip)("notes a key's use at most once a minute, whichever instance it is used on", async () => {
    const { id, key } = await newKey();
    const lastUsedAt = async () => (await world.deps.db.select<{ at: Date | null }>("SELECT lastUsedAt AS at FROM api_keys WHERE id = ?", [id]))[0].at;
    expect(await kindOf(key)).toBe("register");
    const first = clock.now();
    expect(await eventually(async () => (await lastUsedAt())?.getTime() === first.getTime(), 2000)).toBe(true);
    // Another instance, half a minute later: its note finds this one recent and changes nothing.
    const other = await serviceWorld(engine, { clock, deployment: world.deployment });
    const notes = jest.spyOn(other.deps.db, "write");
    try {
      clock.advance(30_000);
      expect((await other.callerOf(key)).kind).toBe("register");
      expect(notes).toHaveBeenCalledTimes(1);
      expect(await notes.mock.results[0].value).toBe(0);
      expect((await lastUsedAt())?.getTime()).toBe(first.getTime());
    } finally {
      notes.mockRestore();
      await other.close();
    }
  });

  it("uses no cached key once it stops looking", async () => {
    const { id, key } = await newKey();
    expect(await kindOf(key)).toBe("register");
    world.services.credentials.stop();
    await revokeUnannounced(id);
    expect(await kindOf(key)).toBe("invalid");
  });
});
