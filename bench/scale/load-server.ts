import { randomBytes } from "node:crypto";
import { startBenchServer, type BenchServer } from "../server";

export interface LoadServer extends BenchServer {
  /** The bearer token /metrics asks for. */
  metricsToken: string;
}

/**
 * A bench server for the load sections (bench/server.ts's, production mode, cheap
 * password hashing, rate limits out of the way, the socket and sign-up limits too), on a
 * chosen port when given, with /metrics open to the bench, and with the institution
 * simulator answering in `institutionLatencyMs`: these sections measure the server
 * against a card network that takes its time.
 */
export async function startLoadServer(options: {
  mysqlBase: string;
  redisUrl?: string;
  institutionLatencyMs: number;
  databasePrefix?: string;
  port?: number;
  env?: Record<string, string>;
  /** Where the server writes a V8 CPU profile (node --cpu-prof) when it stops. */
  profileDir?: string;
  /** Server processes on the one database (bench/server.ts), each on a port of its own. */
  instances?: number;
}): Promise<LoadServer> {
  const metricsToken = randomBytes(32).toString("base64url");
  const bench = await startBenchServer({
    mysqlBase: options.mysqlBase,
    redisUrl: options.redisUrl,
    databasePrefix: options.databasePrefix ?? "wc_load_",
    profileDir: options.profileDir,
    instances: options.instances,
    env: {
      ...(options.port && (options.instances ?? 1) === 1 ? { PORT: String(options.port) } : {}),
      METRICS_TOKEN: metricsToken,
      INSTITUTION_LATENCY_MS: String(options.institutionLatencyMs),
      RATE_ANONYMOUS_SOCKETS_PER_ADDRESS_PER_MIN: "1000000",
      RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR: "1000000",
      ...options.env,
    },
  });
  return { ...bench, metricsToken };
}
