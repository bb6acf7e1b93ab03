import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import Redis from "ioredis";
import { createPool, type Pool } from "mysql2/promise";
import { AdminClient } from "../clients/admin";
import { keepAliveFetch } from "./keep-alive-fetch";
import { mysqlWorkCounters } from "./process-usage";
import { benchMysqlBase, benchRedisUrl, startBenchServer } from "./server";
import { runLoad } from "./stats";
import { PASSWORD, inParallel, newPhone, newRegisters } from "./world";

/**
 * `node dist/bench/redeem-counts.js [--count=300] [--registers=16] [--concurrency=16] [--latency=0] [--log]`:
 * what one redeem sends, counted rather than timed. The server (with Redis, the
 * institution answering in `latency` ms) redeems `count` codes from `registers` keys,
 * `concurrency` at once, after as many unmeasured ones, and the script prints the MySQL
 * statements (server-wide SHOW GLOBAL STATUS deltas: run nothing else meanwhile) and the
 * Redis commands (INFO commandstats deltas, likewise) per redeem. With --log, MariaDB's
 * general log is on for the measured redeems only, and the statements of the server's
 * own connections are listed by shape, per redeem.
 */
async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  const count = arg("count", 300);
  const registerCount = arg("registers", 16);
  const latency = arg("latency", 0);
  const concurrency = arg("concurrency", 16);
  const withLog = process.argv.includes("--log");
  const mysqlBase = benchMysqlBase();
  const redisUrl = benchRedisUrl();
  const bench = await startBenchServer({ mysqlBase, redisUrl, databasePrefix: "wc_red_", env: { INSTITUTION_LATENCY_MS: String(latency) } });
  const pool = createPool({ uri: mysqlBase, connectionLimit: 1 });
  const redis = new Redis(redisUrl);
  try {
    const admin = new AdminClient(bench.url, bench.adminToken, { fetch: keepAliveFetch() });
    const phones = await inParallel(16, 16, () => newPhone(admin));
    const registers = await newRegisters(bench.url, admin, registerCount);
    const codes = await inParallel(2 * count, 16, async (i) => (await phones[i % 16].phone.issuePaymentCode(phones[i % 16].card.id, PASSWORD, null, "none")).code);
    const redeem = (i: number, tag: string) => registers[i % registerCount].redeemCode(codes[i], { amount: 500, currency: "JPY" }, `${tag}-${i}`);
    await runLoad(concurrency, count, (i) => redeem(count + i, "w"));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const database = new URL(bench.databaseUrl).pathname.slice(1);
    const log = withLog ? await startGeneralLog(pool) : null;
    const mysqlBefore = await mysqlWorkCounters(pool);
    const redisBefore = await commandStats(redis);
    const result = await runLoad(concurrency, count, (i) => redeem(i, "m"));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the outbox's last round
    const mysqlAfter = await mysqlWorkCounters(pool);
    const redisAfter = await commandStats(redis);
    const logged = log ? await log.stop(database) : null;
    const per = (before: Record<string, number>, after: Record<string, number>) =>
      Object.fromEntries(
        Object.keys(after)
          .map((k) => [k, Math.round((((after[k] ?? 0) - (before[k] ?? 0)) / count) * 100) / 100] as const)
          .filter(([, v]) => v !== 0),
      );
    process.stdout.write(`redeems: ${JSON.stringify(result)}\n`);
    process.stdout.write(`MySQL per redeem (server-wide): ${JSON.stringify(per(mysqlBefore, mysqlAfter))}\n`);
    process.stdout.write(`Redis commands per redeem (server-wide): ${JSON.stringify(per(redisBefore, redisAfter))}\n`);
    if (logged) {
      const { shapes, statements, trips } = logged;
      process.stdout.write(`\nGeneral log, the server's connections: ${(statements / count).toFixed(2)} statements and ${(trips / count).toFixed(2)} round trips per redeem; by shape, per redeem:\n`);
      for (const [shape, n] of [...shapes.entries()].sort((a, b) => b[1] - a[1])) process.stdout.write(`${(n / count).toFixed(2).padStart(6)}  ${shape}\n`);
    }
  } finally {
    redis.disconnect();
    await pool.end();
    await bench.close();
  }
}

/** Redis's calls per command so far (INFO commandstats). */
async function commandStats(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info("commandstats");
  return Object.fromEntries([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

/** Turns MariaDB's general log on (briefly: it is a global setting) and reads what it wrote for one database's connections. */
async function startGeneralLog(pool: Pool) {
  const [[vars]] = (await pool.query("SELECT @@datadir AS dir, @@general_log_file AS file")) as unknown as [[{ dir: string; file: string }]];
  const path = vars.file.startsWith("/") ? vars.file : join(vars.dir, vars.file);
  const from = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  await pool.query("SET GLOBAL general_log = ON");
  return {
    async stop(database: string): Promise<{ shapes: Map<string, number>; statements: number; trips: number }> {
      const [threads] = (await pool.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?", [database])) as unknown as [Array<{ id: number }>];
      await pool.query("SET GLOBAL general_log = OFF");
      const ids = new Set(threads.map((t) => String(t.id)));
      const size = statSync(path).size;
      const buffer = Buffer.alloc(size - from);
      const fd = openSync(path, "r");
      readSync(fd, buffer, 0, buffer.length, from);
      closeSync(fd);
      const shapes = new Map<string, number>();
      // A Query may carry several statements (mysql-wire.ts); a Prepare runs nothing.
      let statements = 0;
      let trips = 0;
      let current: { id: string; text: string } | null = null;
      const finish = () => {
        if (current && ids.has(current.id)) {
          const shape = current.text
            .replace(/\s+/g, " ")
            .replace(/'(?:[^'\\]|\\.)*'/g, "?")
            .replace(/\b\d+(\.\d+)?\b/g, "?");
          if (/^(Query|Execute):/.test(shape)) {
            trips++;
            statements += shape.startsWith("Query:") ? shape.split("; ").length : 1;
          }
          shapes.set(shape.slice(0, 400), (shapes.get(shape.slice(0, 400)) ?? 0) + 1);
        }
        current = null;
      };
      for (const line of buffer.toString("utf8").split("\n")) {
        const m = /^(?:\d{6}\s+\d{1,2}:\d\d:\d\d)?\s+(\d+) (\w+(?: \w+)?)\t?(.*)$/.exec(line);
        if (m) {
          finish();
          current = { id: m[1], text: `${m[2]}: ${m[3]}` };
        } else if (current) current.text += ` ${line}`;
      }
      finish();
      return { shapes, statements, trips };
    },
  };
}

// Output cut short (`| head`) must not end the script before it drops its database.
process.stdout.on("error", () => undefined);

main().catch((error) => {
  process.stderr.write(`redeem-counts failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
