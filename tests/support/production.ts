import { generateKeyPairSync, randomBytes } from "node:crypto";
import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { createTestDatabase, type TestDatabase } from "./databases";
import { ADMIN_TOKEN } from "./server";

/** A relying party production accepts (it refuses the localhost defaults); these tests make no passkey with it. */
export const publicWebAuthn = { WEBAUTHN_RP_ID: "wallet.example.com", WEBAUTHN_ORIGINS: "https://wallet.example.com" };

/** What NODE_ENV=production requires besides ADMIN_TOKEN: fresh keys of the right kinds, and a WebAuthn relying party that is not localhost. */
export function productionKeys(): Record<string, string> {
  return {
    NODE_ENV: "production",
    CARD_KEY: randomBytes(32).toString("hex"),
    TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    ...publicWebAuthn,
  };
}

/** Whether this run has both MySQL and Redis, which several server processes need to share. */
export const mysqlAndRedis = Boolean(process.env.TEST_MYSQL_URL && process.env.TEST_REDIS_URL);

export interface Instances {
  servers: ServerProcess[];
  database: TestDatabase;
  /** Stops every process; resolves to their exit codes. */
  stop(): Promise<Array<number | null>>;
}

/**
 * Production server processes on one fresh MySQL database and the test Redis, as
 * operators run them. The first migrates the database; the others find it current.
 */
export async function startInstances(count: number, env: Record<string, string> = {}): Promise<Instances> {
  const database = await createTestDatabase("mysql", { empty: true });
  const shared = {
    ...productionKeys(),
    DATABASE_URL: database.databaseUrl!,
    REDIS_URL: process.env.TEST_REDIS_URL!,
    ADMIN_TOKEN,
    DATA_DIR: database.dataDir,
    PASSWORD_HASH_COST: "10",
    INSTITUTION_LATENCY_MS: "5",
    LOG_LEVEL: "warn",
    // Every test's requests come from 127.0.0.1, so a file's tests share one per-address
    // window (each deployment has its own on Redis: its database names its namespace):
    // a test of that limit sets its own.
    RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000",
    ...env,
  };
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await spawnServer(shared));
  } catch (error) {
    // The caller never gets a handle to stop the ones that did start.
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    throw error;
  }
  return {
    servers,
    database,
    stop: async () => {
      const codes = await Promise.all(servers.map((s) => s.stop()));
      await database.drop();
      return codes;
    },
  };
}
