import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { createConnection } from "mysql2/promise";
import { spawnServer, type ServerProcess } from "../scripts/server-process";

/** The MySQL server the bench creates its databases on (MYSQL_URL, without a database). */
export function benchMysqlBase(): string {
  return (process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
}

/** The Redis the bench's server uses when asked to (REDIS_URL). */
export function benchRedisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** Whether Redis answers at `url` (within a second). */
export async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export interface BenchServer {
  server: ServerProcess;
  url: string;
  /** Every instance's address (the first is `url`): more than one when started with `instances`. */
  urls: string[];
  /** Every instance's process (the first is `server`). */
  processes: ServerProcess[];
  adminToken: string;
  cardKey: string;
  databaseUrl: string;
  /**
   * Stops the server, runs `work` on its database with nothing else on it (a bulk load
   * that drops indexes would otherwise meet the server's background scans), then starts it
   * again on the same port, keys and database.
   */
  stoppedWhile<T>(work: () => Promise<T>): Promise<T>;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/**
 * The built server as its own process, in production mode, on a fresh MySQL database,
 * with the card simulator answering at once (the bench measures the server, not the card
 * network), cheap password hashing unless told otherwise (so thousands of phones can be
 * set up quickly) and rate limits out of the way.
 */
export async function startBenchServer(options: {
  mysqlBase: string;
  redisUrl?: string;
  profileDir?: string;
  passwordHashCost?: number;
  /** More environment, e.g. RECEIPTS=off with BENCH=1 for the receipts' comparison server. */
  env?: Record<string, string>;
  /** How the database's name begins (a random suffix follows), so concurrent runs can tell theirs apart. */
  databasePrefix?: string;
  /**
   * Server processes on the one database and Redis, each on its own port, as an operator
   * runs several instances behind a balancer (default 1). The first runs the migrations
   * before the others start.
   */
  instances?: number;
}): Promise<BenchServer> {
  const database = `${options.databasePrefix ?? "wc_bench_"}${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({ uri: options.mysqlBase });
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
  const adminToken = randomBytes(32).toString("base64url");
  const cardKey = randomBytes(32).toString("hex");
  const databaseUrl = `${options.mysqlBase}/${database}`;
  const dropDatabase = async () => {
    const c = await createConnection({ uri: options.mysqlBase });
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.end();
  };
  const env = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ADMIN_TOKEN: adminToken,
    CARD_KEY: cardKey,
    TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    // Production refuses the localhost relying party; the bench makes no passkey.
    WEBAUTHN_RP_ID: "wallet.example.com",
    WEBAUTHN_ORIGINS: "https://wallet.example.com",
    DATA_DIR: mkdtempSync(join(tmpdir(), "wc-bench-")),
    INSTITUTION_LATENCY_MS: "0",
    PASSWORD_HASH_COST: String(options.passwordHashCost ?? 10),
    RATE_LOGIN_PER_PHONE_PER_MIN: "1000000",
    RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000000",
    RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000000",
    ...options.env,
  };
  const spawn = (port?: string) =>
    spawnServer(
      { ...env, ...(port ? { PORT: port } : {}) },
      {
        keepLog: !!process.env.BENCH_KEEP_LOG,
        // BENCH_NODE_ARGS: more flags for the server's node (e.g. --perf-basic-prof, for `perf record` to name JS frames).
        nodeArgs: [...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
      },
    );
  let server: Awaited<ReturnType<typeof spawnServer>>;
  const more: ServerProcess[] = [];
  try {
    server = await spawn();
    for (let n = 1; n < (options.instances ?? 1); n++) more.push(await spawn());
  } catch (error) {
    await Promise.all(more.map((s) => s.stop()));
    // A server that never answered leaves no database behind either.
    await dropDatabase();
    throw error;
  }
  const bench: BenchServer = {
    server,
    url: server.url,
    urls: [server.url, ...more.map((s) => s.url)],
    processes: [server, ...more],
    adminToken,
    cardKey,
    databaseUrl,
    stoppedWhile: async (work) => {
      if (more.length > 0) throw new Error("stoppedWhile stops one instance: start the bench server without `instances`");
      await server.stop();
      try {
        return await work();
      } finally {
        server = await spawn(new URL(server.url).port);
        bench.server = server;
        bench.processes = [server];
      }
    },
    close: async () => {
      await Promise.all([server, ...more].map((s) => s.stop()));
      await dropDatabase();
    },
  };
  return bench;
}
