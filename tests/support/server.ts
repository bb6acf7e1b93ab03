import { Writable } from "node:stream";
import { createApp, type App } from "../../src/app";
import type { Clock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import type { CardInstitution } from "../../src/services/institutions/institution";
import { createTestDatabase, type Engine, type TestDatabase } from "./databases";

/** Fixed, so a failing test can be replayed by hand; random-looking, as ADMIN_TOKEN must be. */
export const ADMIN_TOKEN = "ali6n72gsf6gsXHhssQ-_2TVSLpY5PQ7sTI9ivXV8G0";

/** Every log line the server wrote, for tests that check what never reaches a log. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

export interface TestServer {
  url: string;
  app: App;
  db: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: Clock;
  institution?: CardInstitution;
  logLevel?: string;
  /** Start on this database (e.g. to restart a server); it is then not dropped on close. */
  database?: TestDatabase;
}

/**
 * A real server (HTTP + WebSocket on a free port) on a fresh database of the engine.
 * Password hashing is cheap here (cost 10) to keep runs short; the algorithm is the same.
 */
export async function startTestServer(engine: Engine, options: TestServerOptions = {}): Promise<TestServer> {
  const db = options.database ?? (await createTestDatabase(engine));
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: db.dataDir,
    ADMIN_TOKEN,
    PASSWORD_HASH_COST: "10",
    INSTITUTION_LATENCY_MS: "5",
    INSTITUTION_TIMEOUT_MS: "400",
    OUTBOX_POLL_MS: "100",
    RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000",
    RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000",
    // Test receivers listen on 127.0.0.1; production refuses this (tests/e2e/outbound-urls.test.ts).
    ...(options.env?.NODE_ENV === "production" ? {} : { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }),
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger(options.logLevel ?? "info", logs);
  const app = await createApp({ config, logger, clock: options.clock, institution: options.institution });
  const url = await app.listen(0, "127.0.0.1");
  return {
    url,
    app,
    db,
    logs,
    close: async () => {
      await app.close();
      if (!options.database) await db.drop();
    },
  };
}
