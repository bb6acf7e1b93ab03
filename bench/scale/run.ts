import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPool, type Pool } from "mysql2/promise";
import { keepAliveFetch } from "../keep-alive-fetch";
import { cpuPerOp, mysqldPid, mysqlWorkCounters, pidOf, rssOf, type CpuPerOp } from "../process-usage";
import { benchMysqlBase, benchRedisUrl, redisAnswers, startBenchServer, type BenchServer } from "../server";
import { runLoad, type Summary } from "../stats";
import { inProcessServices, type InProcess } from "./in-process";
import { PHONES, makeActors, type MadeActors } from "./make-actors";
import { PATHS, type Call, type ScalePath } from "./paths";
import { seedYear } from "./seed";
import { concurrencySection } from "./concurrency";
import { livePhonesSection } from "./live-phones";
import { withServerSizedForAYear } from "./server-settings";

/**
 * npm run bench:scale: every path issue 34 names, measured at c=16 against two servers
 * side by side, one on an empty database and one on a database seeded with a year of a
 * mid-size operator's data (bench/scale/seed.ts), with the same kind of callers on each
 * (make-actors.ts). Each path runs on the empty side, then at once on the seeded side,
 * so a change in the machine's speed hits both numbers of a row alike.
 *
 *   --size=year|ci|<factor>  the seed's size (default year); ci and factors also run fewer calls
 *   --only=<text>            the paths whose name contains it (repeatable, comma-separated)
 *   --calls=<n>              measured calls per path (warm-up is a quarter of it)
 *   --no-seed                both sides empty: for developing the paths alone
 *   --sections=<list>        of paths, concurrency, live-phones (default all three): the
 *                            last two are a thousand registers against a slow institution
 *                            (concurrency.ts) and ten thousand phones live (live-phones.ts),
 *                            each on its own fresh server once the paths' servers are closed
 */
const SECTIONS = ["paths", "concurrency", "live-phones"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  sections: Section[];
  size: string;
  only: string[];
  calls: number;
  seed: boolean;
  phones: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  const size = value("size")[0] ?? "year";
  if (size !== "year" && size !== "ci" && !(Number(size) > 0)) throw new Error(`--size is year, ci or a positive factor, not ${size}`);
  const calls = Number(value("calls")[0] ?? (size === "year" ? 300 : 150));
  const sections = (value("sections")[0]?.split(",") ?? [...SECTIONS]) as Section[];
  const unknown = sections.filter((section) => !SECTIONS.includes(section));
  if (unknown.length > 0) throw new Error(`--sections takes ${SECTIONS.join(", ")}, not ${unknown.join(", ")}`);
  return {
    sections,
    size,
    only: value("only").flatMap((v) => v.split(",")).filter(Boolean),
    calls,
    seed: !argv.includes("--no-seed"),
    phones: size === "year" ? PHONES : 32,
  };
}

/** One side of the comparison: a server, its callers, and the services in this process on its database. */
interface Side {
  label: "empty" | "seeded";
  bench: BenchServer;
  actors: MadeActors;
  inProcess: InProcess;
  pool: Pool;
  pids: Record<string, number | null>;
}

interface Measured {
  summary: Summary;
  cpu: CpuPerOp;
  /** Rows MySQL read past an index lookup or in a scan, per call, server-wide (other work on the server adds to it). */
  rowsReadPerOp: number;
  /** Rows MySQL sorted (a filesort), per call, server-wide likewise. */
  rowsSortedPerOp: number;
}

interface Row {
  path: string;
  concurrency: number;
  empty: Measured;
  seeded: Measured;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const mysqlBase = benchMysqlBase();
  const redisUrl = benchRedisUrl();
  const redisUp = await redisAnswers(redisUrl);
  const started = Date.now();
  const results: Record<string, unknown> = { at: new Date().toISOString(), size: options.size, seeded: options.seed, redis: redisUp, calls: options.calls };
  const sectionSeconds: Record<string, number> = {};
  results.sectionSeconds = sectionSeconds;
  const timed = async (section: Section, run: () => Promise<void>) => {
    const sectionStarted = Date.now();
    await run();
    sectionSeconds[section] = Math.round((Date.now() - sectionStarted) / 1000);
  };
  if (options.sections.includes("paths")) {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    await timed("paths", () => withServerSizedForAYear(mysqlBase, log, () => pathsSection(options, mysqlBase, redisUp ? redisUrl : undefined, results)));
  }
  const prefix = process.env.BENCH_DB_PREFIX ?? "wc_scale_";
  if (options.sections.includes("concurrency")) {
    await timed("concurrency", async () => {
      process.stderr.write("redeem at c=64, 256 and 1,024 against a slow institution...\n");
      const { rows, print } = await concurrencySection({ mysqlBase, redisUrl: redisUp ? redisUrl : null, databasePrefix: `${prefix}load_` });
      results.concurrency = rows;
      print();
    });
  }
  if (options.sections.includes("live-phones")) {
    await timed("live-phones", async () => {
      process.stderr.write("ten thousand phones and 200 gates live...\n");
      const { result, print } = await livePhonesSection({ mysqlBase, redisUrl: redisUp ? redisUrl : null, databasePrefix: `${prefix}live_` });
      results.livePhones = result;
      print();
    });
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  const sections = Object.entries(sectionSeconds).map(([section, seconds]) => `${section} ${seconds} s`).join(", ");
  process.stdout.write(`\n${results.seedSeconds ?? 0} s seeding, ${results.seconds} s in all (${sections})\n`);
  const dir = join(__dirname, "..", "..", "..", "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scale-${options.size}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`written to bench/results/scale-${options.size}.json\n`);
}

/** Every path on an empty and a seeded server side by side; closes both servers at its end. */
async function pathsSection(options: Options, mysqlBase: string, redisUrl: string | undefined, results: Record<string, unknown>): Promise<void> {
  const prefix = process.env.BENCH_DB_PREFIX ?? "wc_scale_";
  const sides: Side[] = [];
  try {
    // BENCH_PORT_BASE: the servers listen on it and the next port (else on free ports).
    const portBase = Number(process.env.BENCH_PORT_BASE ?? 0);
    for (const label of ["empty", "seeded"] as const) {
      const env = portBase ? { PORT: String(portBase + sides.length) } : undefined;
      const bench = await startBenchServer({ mysqlBase, redisUrl, databasePrefix: `${prefix}${label}_`, env });
      // Closed with the others in `finally`, even if making its actors fails.
      const side = { label, bench } as Side;
      sides.push(side);
      process.stderr.write(`${label}: making ${options.phones} phones, a store, a partner and an event...\n`);
      side.actors = await makeActors(bench, bench.databaseUrl, options.phones, { fetch: keepAliveFetch() });
      if (label === "seeded" && options.seed) {
        process.stderr.write(`seeding a year (${options.size})...\n`);
        const t0 = Date.now();
        const size = options.size === "year" || options.size === "ci" ? options.size : Number(options.size);
        await bench.stoppedWhile(() => seedYear(bench.databaseUrl, side.actors, size, (line) => process.stderr.write(`  ${line}\n`)));
        results.seedSeconds = Math.round((Date.now() - t0) / 100) / 10;
        process.stderr.write(`seeded in ${results.seedSeconds} s\n`);
      }
      side.inProcess = await inProcessServices(side.actors);
      side.pool = createPool({ uri: bench.databaseUrl, connectionLimit: 2 });
      side.pids = { server: bench.server.process.pid!, mysqld: mysqldPid(), redis: redisUrl ? pidOf("redis-server") : null, bench: process.pid };
    }
    const transport = { fetch: keepAliveFetch() };
    const chosen = PATHS.filter((path) => options.only.length === 0 || options.only.some((text) => path.name.includes(text)));
    const rows: Row[] = [];
    for (const path of chosen) {
      const pathStarted = Date.now();
      const [empty, seeded] = await measurePath(path, sides, options, transport);
      process.stderr.write(`${path.name}: ${Math.round((Date.now() - pathStarted) / 1000)} s\n`);
      rows.push({ path: path.name, concurrency: path.concurrency ?? 16, empty, seeded });
    }
    results.rows = rows.map((r) => ({ ...r, ratio: ratioOf(r) }));
    results.serverRssMB = Object.fromEntries(sides.map((s) => [s.label, Math.round(rssOf(s.bench.server.process.pid!) / 2 ** 20)]));
    printTable(rows);
    process.stdout.write(`\nserver RSS (MB): ${JSON.stringify(results.serverRssMB)}\n`);
  } finally {
    for (const side of sides) {
      await side.pool?.end();
      await side.inProcess?.close();
      await side.bench.close();
    }
  }
}

/** How long a path's warm-up may take on one side, and each measured run at most. */
const WARM_UP_SECONDS = 2;
const RUN_SECONDS = 2;
/** A path whose one call, times its concurrency, takes longer than this is heavy (measurePath). */
const HEAVY_WAVE_SECONDS = 4;

/**
 * A path on both sides: prepared and warmed up on each, then measured in the order
 * empty, seeded, seeded, empty, so a drift in the machine's speed (other work on it, a
 * CPU's clock) over the four runs weighs on both sides alike. Each side's two runs are
 * pooled: throughput over their total time, latencies and CPU their mean. A path that
 * grows with the data (a 50,000-ticket snapshot, a month of payouts) makes fewer calls:
 * each run is as many as the slower side's warm-up rate does in RUN_SECONDS, at least a
 * wave of `concurrency`, so the whole bench keeps to its time at any size. A path whose
 * one call takes longer than a wave may (a heavy one: each call loops over thousands of
 * rows, which warms V8 up by itself) warms up with that call alone and is measured once
 * on each side, a wave each.
 */
async function measurePath(path: ScalePath, sides: Side[], options: Options, transport: { fetch: typeof fetch }): Promise<[Measured, Measured]> {
  const concurrency = path.concurrency ?? 16;
  const planned = Math.max(concurrency, Math.round(options.calls * (path.callsFactor ?? 1)));
  // Whole waves, so the warm-up never makes more calls than were prepared.
  const plannedWarmUp = Math.ceil(Math.max(concurrency, planned / 4) / concurrency) * concurrency;
  const prepared: Array<{ call: Call; warmedUp: number; perSecond: number; heavy: boolean }> = [];
  for (const side of sides) {
    const call = await path.make(side.actors, transport, { inProcess: side.inProcess, calls: plannedWarmUp + 2 * planned });
    const started = Date.now();
    await call(0);
    const single = Date.now() - started;
    const heavy = single * concurrency > HEAVY_WAVE_SECONDS * 1000;
    // In waves of `concurrency`, until the warm-up is done or its time is up.
    let warmedUp = 1;
    while (!heavy && warmedUp < plannedWarmUp && Date.now() - started < WARM_UP_SECONDS * 1000) {
      const from = warmedUp;
      // Never past the calls prepared (the first went alone).
      const wave = Math.min(concurrency, plannedWarmUp - warmedUp);
      await runLoad(concurrency, wave, (i) => call(from + i));
      warmedUp += wave;
    }
    prepared.push({ call, warmedUp, heavy, perSecond: warmedUp / Math.max(0.001, (Date.now() - started) / 1000) });
  }
  const slowest = Math.min(...prepared.map((p) => p.perSecond));
  const calls = Math.max(concurrency, Math.min(planned, Math.round(slowest * RUN_SECONDS)));
  const run = async (s: number, round: number) => {
    const side = sides[s];
    const { call, warmedUp } = prepared[s];
    const first = warmedUp + round * calls;
    const before = await mysqlWorkCounters(side.pool, ROW_COUNTERS);
    const { result, cpu } = await cpuPerOp(side.pids, () => runLoad(concurrency, calls, (i) => call(first + i)));
    const after = await mysqlWorkCounters(side.pool, ROW_COUNTERS);
    const per = (name: string) => (after[name] - before[name]) / Math.max(1, result.count);
    return { summary: result, cpu, rowsReadPerOp: per("Handler_read_next") + per("Handler_read_prev") + per("Handler_read_rnd_next"), rowsSortedPerOp: per("Sort_rows") };
  };
  if (prepared.some((p) => p.heavy)) return [await run(0, 0), await run(1, 0)];
  const e1 = await run(0, 0);
  const s1 = await run(1, 0);
  const s2 = await run(1, 1);
  const e2 = await run(0, 1);
  return [pooled(e1, e2), pooled(s1, s2)];
}

function pooled(a: Measured, b: Measured): Measured {
  const mean = (x: number, y: number) => Math.round(((x + y) / 2) * 100) / 100;
  const count = a.summary.count + b.summary.count;
  const seconds = a.summary.seconds + b.summary.seconds;
  const cpu = Object.fromEntries(Object.keys(a.cpu).map((k) => [k, a.cpu[k] === null || b.cpu[k] === null ? null : mean(a.cpu[k]!, b.cpu[k]!)]));
  return {
    summary: {
      count,
      errors: a.summary.errors + b.summary.errors,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round((count / seconds) * 100) / 100,
      p50: mean(a.summary.p50, b.summary.p50),
      p99: mean(a.summary.p99, b.summary.p99),
      max: Math.max(a.summary.max, b.summary.max),
    },
    cpu,
    rowsReadPerOp: Math.round((a.rowsReadPerOp + b.rowsReadPerOp) / 2),
    rowsSortedPerOp: Math.round((a.rowsSortedPerOp + b.rowsSortedPerOp) / 2),
  };
}

/**
 * MySQL's counters of rows read past an index lookup (next, prev), read in a scan
 * (rnd_next) and sorted, server-wide: a path that scans or sorts what grows shows here
 * first. Unlike CPU time the counts are exact, but other work on the server adds to them.
 */
const ROW_COUNTERS = ["Handler_read_next", "Handler_read_prev", "Handler_read_rnd_next", "Sort_rows"];

const ratioOf = (row: Row) => Math.round((row.seeded.summary.perSecond / row.empty.summary.perSecond) * 100) / 100;

function printTable(rows: Row[]): void {
  const header = ["path", "c", "calls", "empty ops/s", "seeded ops/s", "ratio", "empty p99", "seeded p99", "errors", "server ms/op e|s", "mysqld ms/op e|s", "rows read/op e|s", "sorted/op e|s"];
  const cpu = (m: Measured, of = "server") => (m.cpu[of] == null ? "-" : m.cpu[of]!.toFixed(2));
  const lines = rows.map((r) =>
    [
      r.path,
      String(r.concurrency),
      String(r.seeded.summary.count),
      String(r.empty.summary.perSecond),
      String(r.seeded.summary.perSecond),
      `${ratioOf(r).toFixed(2)}${ratioOf(r) < 0.8 ? " <" : ""}`,
      String(r.empty.summary.p99),
      String(r.seeded.summary.p99),
      `${r.empty.summary.errors}|${r.seeded.summary.errors}`,
      `${cpu(r.empty)}|${cpu(r.seeded)}`,
      `${cpu(r.empty, "mysqld")}|${cpu(r.seeded, "mysqld")}`,
      `${r.empty.rowsReadPerOp}|${r.seeded.rowsReadPerOp}`,
      `${r.empty.rowsSortedPerOp}|${r.seeded.rowsSortedPerOp}`,
    ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${lines.map(fmt).join("\n")}\n`);
  process.stdout.write("calls: measured on each side (two runs). ratio: seeded ops/s over empty (goal 0.8; '<' marks a row below it). p99 in ms. rows read: MySQL's Handler_read_next + _prev + _rnd_next, sorted: Sort_rows, server-wide.\n");
}

main().catch((error) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
