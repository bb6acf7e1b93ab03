import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GraphQLClient } from "graphql-request";
import { AdminClient } from "../clients/admin";
import { hashPassword } from "../src/services/crypto/password";
import { deviceProofRows } from "./device-proofs";
import { closeAll, deliveryLatency, subscribedPhones } from "./live";
import { cpuPerOp, mysqldPid, pidOf, rssOf, type CpuPerOp } from "./process-usage";
import { redeemPairs } from "./redeem-pairs";
import { printReceiptsCost, receiptsCost, receiptsCostAt16, type ReceiptsRound } from "./receipts-cost";
import { keepAliveFetch } from "./keep-alive-fetch";
import { galeraBench, printGalera, type GaleraBench } from "./galera";
import { benchMysqlBase, benchRedisUrl, redisAnswers, startBenchServer } from "./server";
import { runLoad, type Summary } from "./stats";
import { SCANS_PER_SYNC, syncScansLoad } from "./sync-scans";
import { PASSWORD, inParallel, newPhone, newRegisters } from "./world";

/**
 * npm run bench: the hot paths of a real server process on MySQL (and Redis where it
 * answers), driven through the public API by concurrent clients, beside their ceilings:
 * the same SQL by hand (raw mysql2), the least SQL that does a redeem's durable job, and
 * a GraphQL query that does nothing.
 */
const LEVELS = [1, 16, 64];
/** Unmeasured calls before each path's measured runs (redeem warms longer: redeem-pairs.ts). */
const WARMUP = 300;
const COUNT: Record<number, number> = { 1: 200, 16: 1000, 64: 1000 };
/**
 * The no-op is cheap, so it runs longer: after 300 calls the server still spent 0.27 ms
 * of CPU on each, after 5,000 about 0.10 (V8 had not yet optimized the HTTP and Apollo
 * path), and the HTTP ceiling was understated by half.
 */
const NOOP_WARMUP = 5000;
const NOOP_COUNT_FACTOR = 5;
/** Back-to-back runs of redeem and its ceilings at c=16, the level the goals name. */
const ROUNDS_AT_16 = 5;
const LIVE_PHONES = 1000;
const IDLE_PHONES = 5000;
const LIVE_RATE = 50;

async function main(): Promise<void> {
  const mysqlBase = benchMysqlBase();
  const redisUrl = benchRedisUrl();
  const redisUp = await redisAnswers(redisUrl);
  const deviceProofs = () => deviceProofRows({ mysqlBase, redisUrl: redisUp ? redisUrl : undefined, levels: LEVELS, count: COUNT });
  const receiptsRows = () => receiptsCost({ mysqlBase, redisUrl: redisUp ? redisUrl : undefined, roundsAt16: ROUNDS_AT_16 });
  if (process.argv.includes("--only=receipts")) {
    // npm run bench -- --only=receipts: receipts and the books against none, on their own two servers.
    printReceiptsCost(await receiptsRows());
    return;
  }
  if (process.argv.includes("--device-proofs")) {
    // npm run bench:device-proofs: these rows alone, on their own server.
    printTable(await deviceProofs());
    return;
  }
  const profile = process.argv.includes("--profile");
  const profileDir = join(__dirname, "..", "..", "bench", "profiles");
  if (profile) mkdirSync(profileDir, { recursive: true });
  const bench = await startBenchServer({ mysqlBase, redisUrl: redisUp ? redisUrl : undefined, profileDir: profile ? profileDir : undefined });
  const { server, adminToken, cardKey } = bench;
  const url = server.url;
  const results: Record<string, unknown> = { database: "mysql", redis: redisUp, at: new Date().toISOString() };
  const rows: Row[] = [];
  const pids = { server: server.process.pid!, mysqld: mysqldPid(), redis: redisUp ? pidOf("redis-server") : null, bench: process.pid };
  const measured = async (name: string, level: string, work: () => Promise<Summary>): Promise<Row> => {
    const { result, cpu, coresBusy } = await cpuPerOp(pids, work);
    return { name, level, summary: result, cpu, coresBusy };
  };
  const measure = async (name: string, level: string, work: () => Promise<Summary>) => rows.push(await measured(name, level, work));
  try {
    const transport = { fetch: keepAliveFetch() };
    const admin = new AdminClient(url, adminToken, transport);
    process.stderr.write("setting up phones and registers...\n");
    const phones = await inParallel(64, 16, () => newPhone(admin));

    // `--only=syncScans`: this row alone (a gate's upload after a time offline).
    const syncRow = async () => measure(`syncScans, ${SCANS_PER_SYNC} scans per call`, "c=1", await syncScansLoad(url, admin, phones, transport, 5));
    if (process.argv.includes("--only=syncScans")) {
      await syncRow();
      print(rows, results);
      return;
    }
    await syncRow();
    const registers = await newRegisters(url, admin, 64);

    // Like the wallet clients: the document is not parsed on every call to name its operation.
    const noop = new GraphQLClient(`${url}/graphql`, { ...transport, excludeOperationName: true });
    await runLoad(16, NOOP_WARMUP, () => noop.request("{ __typename }"));
    for (const c of LEVELS) {
      await measure("no-op query (HTTP ceiling)", `c=${c}`, () => runLoad(c, COUNT[c] * NOOP_COUNT_FACTOR, () => noop.request("{ __typename }")));
    }

    const pool: string[] = [];
    const issue = async (i: number) => {
      const p = phones[i % phones.length];
      pool.push((await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "svg")).code);
    };
    await runLoad(16, WARMUP, issue);
    for (const c of LEVELS) await measure("issuePaymentCode", `c=${c}`, () => runLoad(c, COUNT[c], issue));

    // The ceilings: the same transactional work by hand, and the least SQL that does a
    // redeem's durable job, on codes issued the same way. Each level runs redeem and
    // both ceilings back to back, c=16 (the goal's level) ROUNDS_AT_16 times, so a change
    // in this machine's speed hits every side alike.
    const runsOf = (c: number) => (c === 16 ? ROUNDS_AT_16 : 1);
    const measuredRedeems = LEVELS.reduce((sum, c) => sum + COUNT[c] * runsOf(c), 0);
    const redeems = await redeemPairs({ phones, registers, cardKey, databaseUrl: bench.databaseUrl, issued: pool, measured: measuredRedeems });
    await redeems.warmUp();
    const pairs: Record<string, Round[]> = {};
    for (const c of LEVELS) {
      for (let run = 0; run < runsOf(c); run++) {
        const redeemRow = await measured("redeemCode", `c=${c}`, () => redeems.redeem(c, COUNT[c], `${c}-${run}`));
        const ceilingRow = await measured("redeem SQL by hand (ceiling)", `c=${c}`, () => redeems.ceiling(c, COUNT[c], `${c}-${run}`));
        const leastRow = await measured("least-work redeem SQL (ceiling)", `c=${c}`, () => redeems.leastWork(c, COUNT[c]));
        (pairs[c] ??= []).push({ redeem: redeemRow, ceiling: ceilingRow, least: leastRow });
      }
    }
    await redeems.close();
    // The table shows, per level, the round whose ratio is the median of its runs.
    const medianPair = (c: number) => [...pairs[c]].sort((a, b) => pairRatio(a) - pairRatio(b))[Math.floor(pairs[c].length / 2)];
    for (const c of LEVELS) rows.push(medianPair(c).redeem);
    for (const c of LEVELS) rows.push(medianPair(c).ceiling);
    for (const c of LEVELS) rows.push(medianPair(c).least);

    // A production-strength password hash, alone: what issuePaymentCode pays per call at cost 15.
    await measure("scrypt hash, cost 15 (alone)", "c=1", () => runLoad(1, 10, () => hashPassword(PASSWORD, 15)));
    rows.push(...(await deviceProofs()));

    const rssBefore = rssOf(server.process.pid!);
    process.stderr.write(`subscribing ${LIVE_PHONES} phones...\n`);
    const live = await subscribedPhones(admin, LIVE_PHONES, true);
    await settle();
    const rss1000 = rssOf(server.process.pid!);
    await measure(`live delivery, ${LIVE_PHONES} phones`, `${LIVE_RATE}/s`, () => deliveryLatency(live, registers, LIVE_RATE));

    process.stderr.write(`subscribing ${IDLE_PHONES - LIVE_PHONES} more phones...\n`);
    const more = await subscribedPhones(admin, IDLE_PHONES - LIVE_PHONES, false);
    await settle();
    const rss5000 = rssOf(server.process.pid!);
    await closeAll([...live, ...more]);

    // With the live phones gone: receipts and the books against none, on two servers of their own.
    const receipts: ReceiptsRound[] = await receiptsRows();
    results.receipts = { costAt16: receiptsCostAt16(receipts), rounds: receipts };

    // Last: one server against three instances on a Galera cluster.
    results.galera = await galeraBench({ mysqlBase, redisUrl: redisUp ? redisUrl : undefined });

    const json = (r: Row) => ({ name: r.name, level: r.level, ...r.summary, cpuMsPerOp: r.cpu, coresBusy: r.coresBusy });
    results.rows = rows.map(json);
    results.redeemVsCeiling = Object.fromEntries(LEVELS.map((c) => [`c=${c}`, round(pairRatio(medianPair(c)))]));
    results.redeemVsCeilingRuns = Object.fromEntries(LEVELS.map((c) => [`c=${c}`, pairs[c].map((p) => round(pairRatio(p)))]));
    results.redeemVsLeastWork = Object.fromEntries(LEVELS.map((c) => [`c=${c}`, round(medianOf(pairs[c].map(leastRatio)))]));
    results.redeemVsLeastWorkRuns = Object.fromEntries(LEVELS.map((c) => [`c=${c}`, pairs[c].map((p) => round(leastRatio(p)))]));
    results.runsAt16 = pairs[16].map((p) => ({ redeem: json(p.redeem), ceiling: json(p.ceiling), leastWork: json(p.least) }));
    results.memory = {
      baselineMB: round(rssBefore / 2 ** 20),
      with1000PhonesMB: round(rss1000 / 2 ** 20),
      with5000PhonesMB: round(rss5000 / 2 ** 20),
      // From 1,000 to 5,000 phones: both sides hold sockets, so garbage the setup left
      // behind (which makes a difference from the idle baseline noisy) mostly cancels out.
      perIdlePhoneKB: round((rss5000 - rss1000) / (IDLE_PHONES - LIVE_PHONES) / 1024),
    };
    print(rows, results);
    const out = join(__dirname, "..", "..", "bench", "results.json");
    writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
    process.stdout.write(`\nwritten to bench/results.json${profile ? "; CPU profile in bench/profiles/ (on server exit)" : ""}\n`);
  } finally {
    await bench.close();
  }
}

interface Row {
  name: string;
  level: string;
  summary: Summary;
  cpu: CpuPerOp;
  coresBusy: number;
}

function print(rows: Row[], results: Record<string, unknown>): void {
  printTable(rows);
  process.stdout.write(`\nredeem / SQL ceiling (the median run): ${JSON.stringify(results.redeemVsCeiling)}\n`);
  process.stdout.write(`  every run, redeem and ceiling back to back: ${JSON.stringify(results.redeemVsCeilingRuns)}\n`);
  process.stdout.write(`redeem / least-work ceiling (the median of the runs): ${JSON.stringify(results.redeemVsLeastWork)}\n`);
  process.stdout.write(`  every run: ${JSON.stringify(results.redeemVsLeastWorkRuns)}\n`);
  process.stdout.write(`server memory: ${JSON.stringify(results.memory)}\n`);
  if (results.receipts) printReceiptsCost((results.receipts as { rounds: ReceiptsRound[] }).rounds);
  if (results.galera) printGalera(results.galera as GaleraBench);
}

function printTable(rows: Row[]): void {
  const header = ["path", "load", "ops", "errors", "ops/s", "p50 ms", "p99 ms", "max ms", "cpu ms/op: server", "mysqld", "redis", "bench", "cores busy"];
  const cpu = (v: number | null) => (v === null ? "-" : v.toFixed(2));
  const lines = rows.map(({ name, level, summary: s, cpu: c, coresBusy }) =>
    [name, level, s.count, s.errors, s.perSecond, s.p50, s.p99, s.max, cpu(c.server), cpu(c.mysqld), cpu(c.redis), cpu(c.bench), coresBusy.toFixed(2)].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${lines.map(fmt).join("\n")}\n`);
}
interface Round {
  redeem: Row;
  ceiling: Row;
  least: Row;
}
const pairRatio = (round: Round) => round.redeem.summary.perSecond / round.ceiling.summary.perSecond;
const leastRatio = (round: Round) => round.redeem.summary.perSecond / round.least.summary.perSecond;
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));
const round = (n: number) => Math.round(n * 100) / 100;

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
