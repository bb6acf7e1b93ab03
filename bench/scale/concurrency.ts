import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import { keepAliveFetch } from "../keep-alive-fetch";
import { createPool } from "mysql2/promise";
import { commandsPerOp, cpuPerOp, mysqldPid, mysqlWorkCounters, pidOf, rssOf, type CpuPerOp } from "../process-usage";
import { benchMysqlBase, benchRedisUrl, redisAnswers } from "../server";
import { REDEEM_WARMUP } from "../redeem-pairs";
import { runLoad, type Summary } from "../stats";
import { PASSWORD, inParallel, newPhone } from "../world";
import { startLoadServer } from "./load-server";
import { between, readServerMetrics } from "./server-metrics";

/**
 * A thousand registers and a slow card network: redeems from `levels` keep-alive
 * clients at once, each client its own register (its own API key and socket), against a
 * server whose institution simulator answers in each of `latenciesMs`. Throughput should
 * grow with the clients until the CPU is the bound; past it, the wait is in the queue
 * for the CPU, and the latency grows as clients / throughput (Little's law).
 */
export interface ConcurrencyOptions {
  mysqlBase?: string;
  redisUrl?: string | null;
  levels?: number[];
  latenciesMs?: number[];
  /** Redeems per measured run at a level; default: enough for several rounds of every client. */
  countAt?: (concurrency: number) => number;
  /** Unmeasured redeems at c=16 on each server first, so V8 has optimized the path (default REDEEM_WARMUP). */
  warmup?: number;
  /** Customers whose codes are redeemed. */
  phones?: number;
  /** A port for each server (in the order of latenciesMs); else a free one. */
  ports?: number[];
  databasePrefix?: string;
  /** More server environment (e.g. DATABASE_POOL_SIZE, to compare). */
  env?: Record<string, string>;
  /** Where each server writes a V8 CPU profile of its whole run (node --cpu-prof), to see where its time goes. */
  profileDir?: string;
  /**
   * Server processes on the one database (default 1), the registers dealt out among them
   * in turn as a balancer would: one process's event loop is the bound before the
   * machine's cores are (docs/performance.md).
   */
  instances?: number;
}

export interface ConcurrencyRow {
  latencyMs: number;
  instances: number;
  concurrency: number;
  summary: Summary;
  cpu: CpuPerOp;
  coresBusy: number;
  /** The server's resident memory at the end of the run and the most seen during it. */
  rssMB: number;
  peakRssMB: number;
  /** At the end of the run: V8's heap in use and reserved, and memory outside it (buffers). */
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** The mean authorize call as the server timed it: above the simulator's latency, its timers fired late. */
  authorizeMs: number;
  /** How long the server's work waited for a database connection: mean, and the share that waited over 10 ms. */
  connectionWaitMs: number;
  connectionWaitOver10ms: number;
  /** The server's event-loop delay over the run. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The server's own timing of the redeems: mean, and the histogram bucket under which 99% fell. */
  serverMeanMs: number;
  serverP99UnderMs: number;
  /**
   * What the run left for the server's background work when it ended: institution
   * reports not yet delivered, and receipts not yet sealed into the books. One of each is
   * written with every decision, so a count that is a large part of the run's redeems is
   * a backlog that grows for as long as the load lasts.
   */
  behind: { reports: number; receipts: number };
  /** MySQL's counters per redeem over the run (server-wide: another database's work counts too). */
  mysql: Record<string, number>;
}

export const DEFAULT_LEVELS = [64, 256, 1024];
export const DEFAULT_LATENCIES_MS = [150, 500];
/** Six rounds of every client, and at least 2,000 redeems: the first round starts all at once. */
const defaultCountAt = (c: number) => Math.max(2000, c * 6);

export async function concurrencySection(options: ConcurrencyOptions = {}): Promise<{ rows: ConcurrencyRow[]; print: () => void }> {
  const mysqlBase = options.mysqlBase ?? benchMysqlBase();
  const redisUrl = options.redisUrl === null ? undefined : (options.redisUrl ?? ((await redisAnswers(benchRedisUrl())) ? benchRedisUrl() : undefined));
  const levels = options.levels ?? DEFAULT_LEVELS;
  const latencies = options.latenciesMs ?? DEFAULT_LATENCIES_MS;
  const countAt = options.countAt ?? defaultCountAt;
  const rows: ConcurrencyRow[] = [];
  for (const [n, latencyMs] of latencies.entries()) {
    const bench = await startLoadServer({
      mysqlBase,
      redisUrl,
      institutionLatencyMs: latencyMs,
      databasePrefix: options.databasePrefix,
      port: options.ports?.[n],
      env: options.env,
      profileDir: options.profileDir,
      instances: options.instances,
    });
    const counters = createPool({ uri: mysqlBase, connectionLimit: 1 });
    try {
      const serverPids = bench.processes.map((p) => p.process.pid!);
      const instancePids = Object.fromEntries(serverPids.map((pid, n) => [`server ${n + 1}`, pid]));
      const pids = { ...instancePids, mysqld: mysqldPid(), redis: redisUrl ? pidOf("redis-server") : null, bench: process.pid };
      // Memory is each instance's own: the largest is what one needs.
      const rss = () => Math.max(...serverPids.map(rssOf));
      // One socket per client at the highest level: a register keeps its own connection.
      const transport = { fetch: keepAliveFetch(Math.max(...levels, 16)) };
      const admin = new AdminClient(bench.url, bench.adminToken, transport);
      process.stderr.write(`institution at ${latencyMs} ms: setting up ${options.phones ?? 64} phones and ${Math.max(...levels)} registers...\n`);
      const phones = await inParallel(options.phones ?? 64, 16, () => newPhone(admin));
      const store = await admin.createStore("Load Store", "JPY");
      const registers = await inParallel(Math.max(...levels), 16, async (i) => new RegisterClient(bench.urls[i % bench.urls.length], (await admin.issueApiKey("REGISTER", store.id)).key, transport));
      const codes = (count: number) =>
        inParallel(count, 64, async (i) => {
          const p = phones[i % phones.length];
          return (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
        });
      // Each client is one register, with one redeem in flight at a time, as a register does.
      // A measured run sums up every register's first redeem apart (Summary.firstWave).
      const redeems = (issued: string[], concurrency: number, tag: string, firstWaveApart = false) => {
        let next = 0;
        const free = registers.slice(0, concurrency);
        return runLoad(concurrency, issued.length, async (i) => {
          const register = free.pop()!;
          try {
            const payment = await register.redeemCode(issued[next++], { amount: 500, currency: "JPY" }, `load-${tag}-${i}`);
            if (payment.status !== "APPROVED") throw new Error(`redeem answered ${payment.status}`);
          } finally {
            free.push(register);
          }
        }, { firstWaveApart });
      };
      await redeems(await codes(options.warmup ?? REDEEM_WARMUP), 16, "warm");
      for (const concurrency of levels) {
        // Codes are issued before the clock starts: only the redeems are timed.
        const issued = await codes(countAt(concurrency));
        // Registers keep their connection open all day: every client's socket is opened
        // (and the keep-alive pool holds it) before the clock starts.
        await inParallel(concurrency, concurrency, () => transport.fetch(`${bench.url}/ready`));
        process.stderr.write(`institution at ${latencyMs} ms: measuring ${issued.length} redeems from ${concurrency} registers...\n`);
        let peak = rss();
        const sampler = setInterval(() => (peak = Math.max(peak, rss())), 100);
        try {
          const before = await readServerMetrics(bench.url, bench.metricsToken);
          const mysqlBefore = await mysqlWorkCounters(counters);
          const { result, cpu, coresBusy } = await cpuPerOp(pids, () => redeems(issued, concurrency, `${latencyMs}-${concurrency}`, true));
          const mysqlAfter = await mysqlWorkCounters(counters);
          const behind = await backlogs(counters, bench.databaseUrl);
          const after = await readServerMetrics(bench.url, bench.metricsToken);
          rows.push({
            latencyMs,
            instances: serverPids.length,
            concurrency,
            summary: result,
            cpu: { server: sumOf(Object.keys(instancePids).map((name) => cpu[name])), mysqld: cpu.mysqld, redis: cpu.redis, bench: cpu.bench },
            coresBusy,
            rssMB: mb(rss()),
            peakRssMB: mb(peak),
            heapUsedMB: after.heapUsedMB,
            heapTotalMB: after.heapTotalMB,
            externalMB: after.externalMB,
            authorizeMs: between(before.authorize, after.authorize).meanMs,
            connectionWaitMs: between(before.connectionWait, after.connectionWait).meanMs,
            connectionWaitOver10ms: between(before.connectionWait, after.connectionWait, 10).shareOver,
            loopDelayP99Ms: after.loopDelayP99Ms,
            loopDelayMaxMs: after.loopDelayMaxMs,
            serverMeanMs: between(before.redeem, after.redeem).meanMs,
            serverP99UnderMs: between(before.redeem, after.redeem).p99UnderMs,
            behind,
            mysql: commandsPerOp(mysqlBefore, mysqlAfter, result.count),
          });
        } finally {
          clearInterval(sampler);
        }
      }
    } finally {
      await counters.end();
      await bench.close();
    }
  }
  const threads = await threadHandling(mysqlBase);
  return { rows, print: () => printConcurrency(rows, threads) };
}

/** The institution reports in the server's outbox neither delivered nor given up on, and the receipts with no place in the books yet. */
async function backlogs(pool: ReturnType<typeof createPool>, databaseUrl: string): Promise<ConcurrencyRow["behind"]> {
  const database = `\`${new URL(databaseUrl).pathname.slice(1)}\``;
  const [rows] = await pool.query(
    `SELECT (SELECT COUNT(*) FROM ${database}.outbox_messages WHERE topic = 'institution.report' AND deliveredAt IS NULL AND deadAt IS NULL) AS reports, ` +
      `(SELECT COUNT(*) FROM ${database}.receipts WHERE leafIndex IS NULL) AS receipts`,
  );
  const [row] = rows as Array<{ reports: number | string; receipts: number | string }>;
  return { reports: Number(row.reports), receipts: Number(row.receipts) };
}

/** CPU per redeem of all the instances together (null if any could not be read). */
const sumOf = (values: Array<number | null>) => (values.some((v) => v === null) ? null : Math.round(values.reduce((a: number, v) => a + v!, 0) * 100) / 100);

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * How the MySQL server gives its connections threads (MariaDB's thread_handling): with a
 * thread per connection, a thousand registers' work makes MariaDB spend more CPU a
 * redeem than with its thread pool (docs/performance.md).
 */
async function threadHandling(mysqlBase: string): Promise<string> {
  const connection = createPool({ uri: mysqlBase, connectionLimit: 1 });
  try {
    const [rows] = await connection.query("SELECT @@thread_handling AS threads");
    return String((rows as Array<{ threads: string }>)[0].threads);
  } catch {
    return "unknown (not MariaDB)";
  } finally {
    await connection.end();
  }
}

export function printConcurrency(rows: ConcurrencyRow[], threads: string): void {
  const header = ["institution", "clients", "ops", "errors", "ops/s", "p50 ms", "p99 ms", "max ms", "1st wave p99", "max", "cpu ms/op: server", "mysqld", "bench", "cores busy", "RSS MB", "peak MB", "heap used", "heap", "external", "authorize ms", "conn wait ms", ">10 ms", "loop delay p99", "max", "server mean", "server p99 <", "behind: reports", "receipts"];
  const cpu = (v: number | null) => (v === null ? "-" : v.toFixed(2));
  const lines = rows.map((r) =>
    [`${r.latencyMs} ms`, `c=${r.concurrency}${r.instances > 1 ? ` on ${r.instances}` : ""}`, r.summary.count, r.summary.errors, r.summary.perSecond, r.summary.p50, r.summary.p99, r.summary.max, r.summary.firstWave?.p99 ?? "-", r.summary.firstWave?.max ?? "-", cpu(r.cpu.server), cpu(r.cpu.mysqld), cpu(r.cpu.bench), r.coresBusy.toFixed(2), r.rssMB, r.peakRssMB, r.heapUsedMB, r.heapTotalMB, r.externalMB, r.authorizeMs, r.connectionWaitMs, r.connectionWaitOver10ms, r.loopDelayP99Ms, r.loopDelayMaxMs, r.serverMeanMs, r.serverP99UnderMs, r.behind.reports, r.behind.receipts].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`\nredeem against a slow institution (MariaDB thread_handling: ${threads})\n${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${lines.map(fmt).join("\n")}\n`);
  process.stdout.write("p50, p99 and max: every redeem after each register's first; 1st wave: the first redeem of every register, all sent at once to a server with none in flight\n");
  if (rows.some((r) => r.instances > 1)) process.stdout.write("c=N on M: the registers dealt out among M server processes; cpu server: theirs together; RSS: the largest one's; the columns from /metrics: the first one's\n");
  process.stdout.write(`\nMySQL per redeem (server-wide counters)\n`);
  for (const r of rows) process.stdout.write(`${r.latencyMs} ms c=${r.concurrency}: ${JSON.stringify(r.mysql)}\n`);
}

/**
 * Alone: node dist/bench/scale/concurrency.js [--levels=64,256] [--latencies=150] [--count=N] [--warmup=N] [--phones=N] [--pool=N] [--instances=N] [--profile=DIR]
 * (databases named BENCH_DB_PREFIX, default wc_load_, and a random suffix)
 */
if (require.main === module) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const list = (value?: string) => value?.split(",").map(Number);
  const count = arg("count");
  concurrencySection({
    levels: list(arg("levels")),
    latenciesMs: list(arg("latencies")),
    countAt: count ? () => Number(count) : undefined,
    warmup: arg("warmup") ? Number(arg("warmup")) : undefined,
    ports: list(arg("ports")),
    phones: arg("phones") ? Number(arg("phones")) : undefined,
    env: arg("pool") ? { DATABASE_POOL_SIZE: arg("pool")! } : undefined,
    profileDir: arg("profile"),
    instances: arg("instances") ? Number(arg("instances")) : undefined,
    databasePrefix: process.env.BENCH_DB_PREFIX,
  })
    .then(({ print }) => print())
    .catch((error) => {
      process.stderr.write(`concurrency section failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
