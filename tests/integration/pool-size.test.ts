import { loadConfig } from "../../src/config";
import { DEFAULT_POOL_SIZE, Db, createDataSource } from "../../src/database";
import { createTestDatabase, mysqlAvailable } from "../support/databases";

/**
 * The MySQL pool's size is DATABASE_POOL_SIZE (src/database/pool-size.ts): that many
 * transactions hold a connection at once, and one more is told how long it waited.
 */
describe("database pool size", () => {
  it("is DATABASE_POOL_SIZE, 32 unless told", () => {
    expect(loadConfig({}).databasePoolSize).toBe(DEFAULT_POOL_SIZE);
    expect(DEFAULT_POOL_SIZE).toBe(32);
    expect(loadConfig({ DATABASE_POOL_SIZE: "48" }).databasePoolSize).toBe(48);
    for (const bad of ["0", "-1", "2.5", "many", "1001"]) expect(() => loadConfig({ DATABASE_POOL_SIZE: bad })).toThrow(/DATABASE_POOL_SIZE/);
  });

  (mysqlAvailable ? it : it.skip)("lets that many transactions wait on the database at once, and tells how long one more waited for a connection", async () => {
    const database = await createTestDatabase("mysql");
    const dataSource = await createDataSource({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 40 });
    await dataSource.initialize();
    try {
      const waits: number[] = [];
      const db = new Db(dataSource, { onConnectionWait: (seconds) => waits.push(seconds) });
      // Each transaction holds its connection for 0.4 s: 40 at once end together, the 41st a round later.
      const sleepers = (count: number) => Promise.all(Array.from({ length: count }, () => db.tx((tx) => tx.select("SELECT SLEEP(0.4) AS s", []))));
      await sleepers(40); // every connection opened
      waits.length = 0;
      let started = Date.now();
      await sleepers(40);
      expect(Date.now() - started).toBeLessThan(750);
      expect(waits).toHaveLength(40);
      expect(Math.max(...waits)).toBeLessThan(0.2);
      waits.length = 0;
      started = Date.now();
      await sleepers(41);
      expect(Date.now() - started).toBeGreaterThanOrEqual(790);
      expect(waits.filter((seconds) => seconds >= 0.39)).toHaveLength(1);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  }, 30_000);
});
