import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { spawnServer } from "../../scripts/server-process";
import type { BenchServer } from "../server";

export interface LoadServer extends BenchServer {
  /** The bearer token /metrics asks for. */
  metricsToken: string;
}

/**
 * A bench server for the load sections, as bench/server.ts starts one (production mode,
 * cheap password hashing, rate limits out of the way) but on a database named with the
 * given prefix, on a chosen port when given, and with the institution simulator
 * answering in `institutionLatencyMs`: these sections measure the server against a card
 * network that takes its time.
 */
export async function startLoadServer(options: {
  mysqlBase: string;
  redisUrl?: string;
  institutionLatencyMs: number;
  databasePrefix?: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<LoadServer> {
  const database = `${options.databasePrefix ?? "wc_load_"}${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({ uri: options.mysqlBase });
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
  const adminToken = randomBytes(32).toString("base64url");
  const cardKey = randomBytes(32).toString("hex");
  const metricsToken = randomBytes(32).toString("base64url");
  const databaseUrl = `${options.mysqlBase}/${database}`;
  const pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const dropDatabase = async () => {
    const c = await createConnection({ uri: options.mysqlBase });
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.end();
  };
  let server;
  try {
    server = await spawnServer(
      {
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        ...(options.port ? { PORT: String(options.port) } : {}),
        ADMIN_TOKEN: adminToken,
        METRICS_TOKEN: metricsToken,
        CARD_KEY: cardKey,
        TICKET_SIGNING_KEY: pem(),
        RECEIPT_SIGNING_KEY: pem(),
        // Production refuses the localhost relying party; the bench makes no passkey.
        WEBAUTHN_RP_ID: "wallet.example.com",
        WEBAUTHN_ORIGINS: "https://wallet.example.com",
        DATA_DIR: mkdtempSync(join(tmpdir(), "wc-load-")),
        INSTITUTION_LATENCY_MS: String(options.institutionLatencyMs),
        PASSWORD_HASH_COST: "10",
        RATE_LOGIN_PER_PHONE_PER_MIN: "1000000",
        RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000000",
        RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000000",
        RATE_ANONYMOUS_SOCKETS_PER_ADDRESS_PER_MIN: "1000000",
        RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR: "1000000",
        ...options.env,
      },
      { keepLog: !!process.env.BENCH_KEEP_LOG },
    );
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const started = server;
  return {
    server: started,
    url: started.url,
    adminToken,
    cardKey,
    databaseUrl,
    metricsToken,
    close: async () => {
      await started.stop();
      await dropDatabase();
    },
  };
}
