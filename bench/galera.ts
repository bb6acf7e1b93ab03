import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../clients/admin";
import { RegisterClient } from "../clients/register";
import { clusterDatabase, ensureCluster, galeraWanted, nodeAnswers, stopCluster } from "../scripts/galera/cluster";
import { spawnServer, type ServerProcess } from "../scripts/server-process";
import { keepAliveFetch } from "./keep-alive-fetch";
import { REDEEM_WARMUP } from "./redeem-pairs";
import { benchMysqlBase, benchRedisUrl, redisAnswers, startBenchServer } from "./server";
import { runLoad, type Summary } from "./stats";
import { PASSWORD, inParallel, newPhone } from "./world";

/**
 * The same redeem load on one server instance on one MariaDB server, and spread over
 * three instances, each on its own node of the 3-node Galera cluster of scripts/galera
 * (the others as its DATABASE_REPLICA_URLS). Run when GALERA=1 (the cluster is started
 * if it does not run, and stopped after) or when the cluster answers already; skipped,
 * with the reason, otherwise. `npm run bench:galera` runs it alone; `npm run bench`
 * prints it after its own table.
 */
const CONCURRENCY = 16;
/** Unmeasured redeems on each side first: as many as redeem-pairs.ts warms up with, for the same reason. */
const WARMUP = REDEEM_WARMUP;
const PER_ROUND = 1000;
/** Rounds of each side, back to back, so a change in the machine's speed hits both alike. */
const ROUNDS = 3;
const REGISTERS = 48;
const PHONES = 48;

export interface GaleraRow {
  name: string;
  summary: Summary;
}

export type GaleraBench = { rows: GaleraRow[]; ratio: number; rounds: Array<{ single: Summary; cluster: Summary }> } | { skipped: string };

export async function galeraBench(options: { mysqlBase: string; redisUrl?: string }): Promise<GaleraBench> {
  const clusterUp = (await Promise.all([1, 2, 3].map(nodeAnswers))).every(Boolean);
  if (!galeraWanted && !clusterUp) return { skipped: "set GALERA=1 to start a 3-node Galera cluster on loopback (scripts/galera) and compare" };
  const startedCluster = await ensureCluster();
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const single = await startBenchServer({ mysqlBase: options.mysqlBase, redisUrl: options.redisUrl });
    stops.push(() => single.close());
    const cluster = await startClusterInstances(options.redisUrl);
    stops.push(cluster.close);

    process.stderr.write("galera: setting up phones, registers and codes on both sides...\n");
    const singleSide = await side([single.url], single.adminToken);
    const clusterSide = await side(cluster.urls, cluster.adminToken);
    await singleSide.redeem(WARMUP, "warm");
    await clusterSide.redeem(WARMUP, "warm");
    const rounds: Array<{ single: Summary; cluster: Summary }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push({ single: await singleSide.redeem(PER_ROUND, `r${r}`), cluster: await clusterSide.redeem(PER_ROUND, `r${r}`) });
    }
    const ratioOf = (round: { single: Summary; cluster: Summary }) => round.cluster.perSecond / round.single.perSecond;
    const median = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(rounds.length / 2)];
    return {
      rows: [
        { name: "redeemCode, 1 instance on one MariaDB server", summary: median.single },
        { name: "redeemCode across 3 instances on 3 Galera nodes", summary: median.cluster },
      ],
      ratio: Math.round(ratioOf(median) * 100) / 100,
      rounds,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (startedCluster) stopCluster();
  }
}

/**
 * Three production instances on a fresh database of the cluster, as the bench starts
 * its own (bench/server.ts): the first migrates, the others start once it is up.
 */
async function startClusterInstances(redisUrl: string | undefined): Promise<{ urls: string[]; adminToken: string; close(): Promise<void> }> {
  const database = await clusterDatabase();
  const adminToken = randomBytes(32).toString("base64url");
  const shared = {
    NODE_ENV: "production",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ADMIN_TOKEN: adminToken,
    CARD_KEY: randomBytes(32).toString("hex"),
    TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    // Production refuses the localhost relying party; the bench makes no passkey.
    WEBAUTHN_RP_ID: "wallet.example.com",
    WEBAUTHN_ORIGINS: "https://wallet.example.com",
    INSTITUTION_LATENCY_MS: "0",
    PASSWORD_HASH_COST: "10",
    RATE_LOGIN_PER_PHONE_PER_MIN: "1000000",
    RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000000",
    RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000000",
  };
  const envFor = (i: number) => ({
    ...shared,
    DATA_DIR: mkdtempSync(join(tmpdir(), "wc-bench-galera-")),
    DATABASE_URL: database.urls[i],
    DATABASE_REPLICA_URLS: [1, 2].map((d) => database.urls[(i + d) % 3]).join(","),
  });
  const servers: ServerProcess[] = [await spawnServer(envFor(0), { timeoutMs: 60_000 })];
  servers.push(...(await Promise.all([1, 2].map((i) => spawnServer(envFor(i), { timeoutMs: 60_000 })))));
  return {
    urls: servers.map((s) => s.url),
    adminToken,
    close: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await database.drop();
    },
  };
}

/**
 * One side of the comparison: phones, a store's registers spread over the side's
 * instances, and codes issued ahead (through the first instance), so only redeems are
 * measured.
 */
async function side(urls: string[], adminToken: string) {
  const transport = { fetch: keepAliveFetch() };
  const admin = new AdminClient(urls[0], adminToken, transport);
  const phones = await inParallel(PHONES, 16, () => newPhone(admin));
  const store = await admin.createStore("Bench Store", "JPY");
  const registers = await inParallel(REGISTERS, 8, async (i) => new RegisterClient(urls[i % urls.length], (await admin.issueApiKey("REGISTER", store.id)).key, transport));
  const codes = await inParallel(WARMUP + ROUNDS * PER_ROUND, 32, async (i) => {
    const p = phones[i % phones.length];
    return (await p.phone.issuePaymentCode(p.card.id, PASSWORD, null, "none")).code;
  });
  let used = 0;
  return {
    redeem: (count: number, tag: string) =>
      runLoad(CONCURRENCY, count, (i) => registers[i % registers.length].redeemCode(codes[used++], { amount: 500, currency: "JPY" }, `g-${tag}-${i}`)),
  };
}

export function printGalera(result: GaleraBench): void {
  if ("skipped" in result) {
    process.stdout.write(`\nredeem across 3 instances on 3 Galera nodes: skipped (${result.skipped})\n`);
    return;
  }
  const header = ["path", "load", "ops", "errors", "ops/s", "p50 ms", "p99 ms", "max ms"];
  const lines = result.rows.map(({ name, summary: s }) => [name, `c=${CONCURRENCY}`, s.count, s.errors, s.perSecond, s.p50, s.p99, s.max].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${lines.map(fmt).join("\n")}\n`);
  process.stdout.write(`3 Galera nodes / one server, redeems per second (the median of ${result.rounds.length} rounds): ${result.ratio}\n`);
  process.stdout.write(`  every round (ops/s, one server vs cluster): ${JSON.stringify(result.rounds.map((r) => [r.single.perSecond, r.cluster.perSecond]))}\n`);
}

/** npm run bench:galera: this comparison alone. */
async function main(): Promise<void> {
  printGalera(await galeraBench({ mysqlBase: benchMysqlBase(), redisUrl: (await redisAnswers(benchRedisUrl())) ? benchRedisUrl() : undefined }));
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
