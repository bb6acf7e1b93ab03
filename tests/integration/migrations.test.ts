import { createDataSource } from "../../src/database";
import { migrations } from "../../src/migrations";
import { createTestDatabase, engines } from "../support/databases";

describe.each(engines)("migrations (%s)", (engine) => {
  it("build, on an empty database, exactly the schema the entities describe, and undo cleanly", async () => {
    const db = await createTestDatabase(engine, { empty: true });
    const dataSource = await createDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      await dataSource.initialize();
      expect((await dataSource.runMigrations()).map((m) => m.name)).toEqual(migrations.map((m) => new m().name));
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);

      // An older database: the last migration undone, then brought up to date again.
      await dataSource.undoLastMigration();
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries.length).toBeGreaterThan(0);
      expect((await dataSource.runMigrations()).length).toBe(1);
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);

      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration();
      const runner = dataSource.createQueryRunner();
      const left = [];
      for (const { tableName } of dataSource.entityMetadatas) if (await runner.hasTable(tableName)) left.push(tableName);
      await runner.release();
      expect(left).toEqual([]);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
