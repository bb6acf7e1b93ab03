import { createConnection } from "mysql2/promise";
import Redis from "ioredis";
import { prepareDatabaseTemplates } from "./database-templates";

/**
 * Finds the MySQL and Redis the tests may use and exports them to the test workers as
 * TEST_MYSQL_URL / TEST_REDIS_URL. Where one does not answer its suites are skipped and
 * this says so, unless REQUIRE_MYSQL=1 / REQUIRE_REDIS=1 (CI), where that is a failure.
 * Then it migrates the template every test database is a copy of (database-templates.ts).
 */
export default async function globalSetup(): Promise<void> {
  const mysqlUrl = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
  const redisUrl = process.env.REDIS_URL_FOR_TESTS ?? "redis://127.0.0.1:6379";

  const mysqlOk = await probe(async () => {
    const c = await createConnection({ uri: mysqlUrl, connectTimeout: 2000 });
    await c.query("SELECT 1");
    await c.end();
  });
  const redisOk = await probe(async () => {
    const r = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
    } finally {
      r.disconnect();
    }
  });

  report("MySQL", mysqlUrl, mysqlOk, process.env.REQUIRE_MYSQL === "1");
  report("Redis", redisUrl, redisOk, process.env.REQUIRE_REDIS === "1");
  process.env.TEST_MYSQL_URL = mysqlOk ? mysqlUrl : "";
  process.env.TEST_REDIS_URL = redisOk ? redisUrl : "";
  await prepareDatabaseTemplates(mysqlOk ? mysqlUrl : null);
}

async function probe(attempt: () => Promise<void>): Promise<boolean> {
  try {
    await attempt();
    return true;
  } catch {
    return false;
  }
}

function report(name: string, url: string, ok: boolean, required: boolean): void {
  if (ok) {
    process.stdout.write(`\n[wallet-center tests] ${name} at ${url}: ${name} suites will run\n`);
    return;
  }
  if (required) throw new Error(`${name} is required (REQUIRE_${name.toUpperCase()}=1) but does not answer at ${url}`);
  process.stdout.write(`\n[wallet-center tests] ${name} does not answer at ${url}: ${name} suites are SKIPPED\n`);
}
