import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { startSmsGateway } from "../support/sms-gateway";

export type SmsGateway = Awaited<ReturnType<typeof startSmsGateway>>;

export interface WebServer {
  database: TestDatabase;
  server: ServerProcess;
  /** Where the server sends sign-up codes, when asked for (`sms: true`). */
  sms: SmsGateway | null;
}

/**
 * The built server as the browser tests start it: its own process on a fresh SQLite
 * database, cheap hashing, an institution that answers at once, warnings only; with
 * `sms`, an SMS gateway on localhost that it sends sign-up codes to (the production
 * path). `env` adds or replaces settings.
 */
export async function startWebServer(options: { sms: true; env?: Record<string, string> }): Promise<WebServer & { sms: SmsGateway }>;
export async function startWebServer(options?: { sms?: false; env?: Record<string, string> }): Promise<WebServer>;
export async function startWebServer(options: { sms?: boolean; env?: Record<string, string> } = {}): Promise<WebServer> {
  const database = await createTestDatabase("sqlite");
  const sms = options.sms ? await startSmsGateway() : null;
  const server = await spawnServer({
    ...(sms ? { SMS_GATEWAY_URL: sms.url } : {}),
    DATA_DIR: database.dataDir,
    ADMIN_TOKEN,
    PASSWORD_HASH_COST: "10",
    INSTITUTION_LATENCY_MS: "5",
    LOG_LEVEL: "warn",
    ...options.env,
  });
  return { database, server, sms };
}

/** Stops what startWebServer started (any part may be missing when the start failed). */
export async function stopWebServer(parts: Partial<WebServer>): Promise<void> {
  await parts.server?.stop();
  await parts.sms?.close();
  await parts.database?.drop();
}
