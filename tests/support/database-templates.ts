import "reflect-metadata";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection, format } from "mysql2/promise";
import { createDataSource } from "../../src/database";

/**
 * Every migration is run once per test run, into a template, and each test file's fresh
 * database is a copy of it: on MariaDB the 28 migrations take several seconds of DDL (one
 * ALTER at a time), where creating the finished tables in one batch takes a fraction of
 * that, and a SQLite copy is a file copy. The migrations themselves stay tested where
 * they are the subject (`migratedDataSource`, tests/integration).
 */

/** The migrated SQLite file every SQLite test database starts as a copy of. */
const SQLITE_TEMPLATE = "TEST_SQLITE_TEMPLATE";
/** The file that holds the SQL that creates a migrated MySQL database's tables and rows. */
const MYSQL_TEMPLATE = "TEST_MYSQL_TEMPLATE";

/** The folder the templates are in, removed by the global teardown. */
const TEMPLATE_FOLDER = "TEST_TEMPLATE_FOLDER";

/** Builds the templates (global setup); the workers find them through the environment. */
export async function prepareDatabaseTemplates(mysqlUrl: string | null): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "wallet-center-templates-"));
  process.env[TEMPLATE_FOLDER] = folder;
  const sqliteDir = join(folder, "sqlite");
  const sqlite = await createDataSource({ dataDir: sqliteDir });
  await sqlite.initialize();
  await sqlite.runMigrations();
  await sqlite.destroy();
  process.env[SQLITE_TEMPLATE] = join(sqliteDir, "wallet.sqlite");

  if (mysqlUrl) {
    const sqlFile = join(folder, "mysql.sql");
    writeFileSync(sqlFile, await mysqlTemplateSql(mysqlUrl));
    process.env[MYSQL_TEMPLATE] = sqlFile;
  }
}

/** Removes the templates (global teardown). */
export function removeDatabaseTemplates(): void {
  const folder = process.env[TEMPLATE_FOLDER];
  if (folder) rmSync(folder, { recursive: true, force: true });
}

/** Migrates a scratch database, reads back what it made as one batch of SQL, and drops it. */
async function mysqlTemplateSql(mysqlUrl: string): Promise<string> {
  const name = `wc_template_${process.pid}`;
  const admin = await createConnection({ uri: mysqlUrl });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    const dataSource = await createDataSource({ databaseUrl: `${mysqlUrl.replace(/\/$/, "")}/${name}`, dataDir: tmpdir() });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();

    const [tables] = (await admin.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", [name])) as unknown as [Array<{ name: string }>];
    const statements = ["SET FOREIGN_KEY_CHECKS = 0"];
    for (const { name: table } of tables) {
      const [[created]] = (await admin.query(`SHOW CREATE TABLE \`${name}\`.\`${table}\``)) as unknown as [Array<Record<string, string>>];
      statements.push(created["Create Table"]);
      const [rows] = (await admin.query(`SELECT * FROM \`${name}\`.\`${table}\``)) as unknown as [Array<Record<string, unknown>>];
      for (const row of rows) statements.push(format(`INSERT INTO \`${table}\` SET ?`, [row]));
    }
    statements.push("SET FOREIGN_KEY_CHECKS = 1");
    return statements.join(";\n");
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

/** Makes dataDir's SQLite database a copy of the migrated template, where there is one. */
export function copySqliteTemplate(dataDir: string): void {
  const template = process.env[SQLITE_TEMPLATE];
  if (template) copyFileSync(template, join(dataDir, "wallet.sqlite"));
}

/** The SQL that fills an empty MySQL database as the migrations would, or null without a template. */
export function mysqlTemplate(): string | null {
  const file = process.env[MYSQL_TEMPLATE];
  return file ? readFileSync(file, "utf8") : null;
}
