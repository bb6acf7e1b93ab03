import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/database";
import { copySqliteTemplate, mysqlTemplate } from "./database-templates";

export type Engine = "sqlite" | "mysql";

/** The engines this run can test: SQLite always, MySQL where the global setup found it. */
export const engines: Engine[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

export const mysqlAvailable = Boolean(process.env.TEST_MYSQL_URL);

export interface TestDatabase {
  engine: Engine;
  /** Unset for SQLite. */
  databaseUrl?: string;
  /** Always a fresh folder: SQLite lives here, and the dev secrets are generated here. */
  dataDir: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Without tables, for a test of the migrations themselves; else as the migrations leave it. */
  empty?: boolean;
}

/**
 * A fresh database for one test file (MySQL: its own schema; SQLite: its own folder),
 * migrated: a copy of the template the global setup migrated (database-templates.ts).
 */
export async function createTestDatabase(engine: Engine, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-test-"));
  if (engine === "sqlite") {
    if (!options.empty) copySqliteTemplate(dataDir);
    return { engine, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const base = process.env.TEST_MYSQL_URL;
  if (!base) throw new Error("MySQL is not available for this run");
  const name = `wc_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const template = options.empty ? null : mysqlTemplate();
  const admin = await createConnection({ uri: base, multipleStatements: true });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    if (template) await admin.query(`USE \`${name}\`;\n${template}`);
  } finally {
    await admin.end();
  }
  return {
    engine,
    databaseUrl: `${base.replace(/\/$/, "")}/${name}`,
    dataDir,
    drop: async () => {
      const c = await createConnection({ uri: base });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database of the engine with every migration applied, opened as the server
 * opens it, for tests of src/database itself; `drop` closes and removes it.
 */
export async function migratedDataSource(engine: Engine): Promise<{ dataSource: DataSource; drop(): Promise<void> }> {
  const database = await createTestDatabase(engine);
  const dataSource = await createDataSource({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
