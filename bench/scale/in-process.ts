import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { Db, createDataSource } from "../../src/database";
import { createLogger } from "../../src/logger";
import { resolveSecrets } from "../../src/secrets";
import { createServices, type Services } from "../../src/services";
import { EventBus } from "../../src/services/kernel/events";
import { noMetrics } from "../../src/services/kernel/metrics";
import { RateLimits, bucketLimits } from "../../src/services/kernel/rate-limits";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import type { ServiceDeps } from "../../src/services/kernel/deps";
import type { ScaleActors } from "./actors";

/**
 * The services wired as the server wires them (src/services/index.ts), in the bench's
 * own process, on the server's database: for the background work no API triggers (the
 * retention sweep's batches, the recovery scan), run as an instance runs it. Nothing is
 * started in the background here; the bench calls what it measures. The signing keys
 * are this process's own: the measured work signs nothing unless a payment really is
 * stuck, and then what it signs is valid (keys are recorded as used).
 */
export interface InProcess {
  services: Services;
  deps: ServiceDeps;
  close(): Promise<void>;
}

export async function inProcessServices(actors: Pick<ScaleActors, "databaseUrl" | "adminToken" | "cardKey">, env: Record<string, string> = {}): Promise<InProcess> {
  const pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const config = loadConfig({
    NODE_ENV: "development",
    DATABASE_URL: actors.databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), "wc-scale-")),
    ADMIN_TOKEN: actors.adminToken,
    CARD_KEY: actors.cardKey,
    TICKET_SIGNING_KEY: pem(),
    RECEIPT_SIGNING_KEY: pem(),
    INSTITUTION_LATENCY_MS: "0",
    ...env,
  });
  // Nothing to say: the bench prints its own table.
  const logger = createLogger("error", new Writable({ write: (_chunk, _encoding, done) => done() }));
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await dataSource.initialize();
  const secrets = resolveSecrets(config, logger, () => undefined);
  const events = new EventBus();
  const deps: ServiceDeps = {
    db: new Db(dataSource),
    clock: systemClock,
    config,
    logger,
    keys: secrets.keys,
    ticketSigner: secrets.tickets,
    receiptSigner: secrets.receipts,
    institution: new SimulatedInstitution(0),
    rateLimits: new RateLimits(bucketLimits(config.rateLimits)),
    events,
    metrics: noMetrics,
    sms: null,
    vapid: null,
  };
  const services = createServices(deps, secrets.adminToken);
  return {
    services,
    deps,
    close: async () => {
      services.credentials.stop();
      await services.outbox.stop();
      await events.close();
      await dataSource.destroy();
    },
  };
}
