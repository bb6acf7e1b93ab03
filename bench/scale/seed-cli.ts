import "reflect-metadata";
import { createConnection } from "mysql2/promise";
import { createDataSource } from "../../src/database";
import { insertActors } from "./seed-actors";
import { seedYear } from "./seed";
import { withServerSizedForAYear } from "./server-settings";

/**
 * Seeds a fresh database on its own, to measure the seeder:
 *   node dist/bench/scale/seed-cli.js [size] [database]
 * size is "year", "ci" or a share of a year (0.05); database defaults to wc_seed_cli. The
 * database is made again, migrated, given the actors' rows (seed-actors.ts) and seeded;
 * it is left in place for a look (drop it after). MYSQL_URL says where MySQL is.
 */
async function main(): Promise<void> {
  const sizeArg = process.argv[2] ?? "ci";
  const size = sizeArg === "year" || sizeArg === "ci" ? sizeArg : Number(sizeArg);
  const name = process.argv[3] ?? "wc_seed_cli";
  const base = (process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
  const admin = await createConnection({ uri: base });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const databaseUrl = `${base}/${name}`;
  const dataSource = await createDataSource({ databaseUrl, dataDir: "." });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const actors = await insertActors(databaseUrl);
  await withServerSizedForAYear(base, (line) => console.log(line), () => seedYear(databaseUrl, actors, size));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
