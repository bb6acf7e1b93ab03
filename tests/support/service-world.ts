import webPush from "web-push";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { Writable } from "node:stream";
import { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { Db, createDataSource } from "../../src/database";
import { createLogger } from "../../src/logger";
import { resolveSecrets } from "../../src/secrets";
import { createServices } from "../../src/services";
import type { Caller } from "../../src/services/kernel/caller";
import type { ServiceDeps } from "../../src/services/kernel/deps";
import { EventBus } from "../../src/services/kernel/events";
import type { CardInstitution } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { RateLimits, bucketLimits } from "../../src/services/kernel/rate-limits";
import { SimulatedSms } from "../../src/services/sms/simulated-sms";
import { createTestDatabase, type Engine, type TestDatabase } from "./databases";
import { PASSWORD, TEST_CARDS, randomPhone } from "./test-data";
import { noMetrics } from "../../src/services/kernel/metrics";

/** Log lines kept in memory: nothing reaches the test output, and a test may read them. */
class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
}

export interface ServiceWorldOptions<I extends CardInstitution> {
  clock?: ManualClock;
  /** Environment for loadConfig, on top of the world's own (as a server would read it). */
  env?: Record<string, string>;
  institution?: I;
  /** Web Push on: the domains' notices go to the outbox (docs/push.md). Off by default, so other suites' outbox holds only their own messages. */
  push?: boolean;
  /** Another world's database and secrets: this world is then a second server instance of it (MySQL). */
  deployment?: Deployment;
}

/** What the server instances of one deployment share. */
export interface Deployment {
  /** Null for SQLite in memory, which one instance alone can open. */
  database: TestDatabase | null;
  secrets: { ADMIN_TOKEN: string; CARD_KEY: string; TICKET_SIGNING_KEY: string; RECEIPT_SIGNING_KEY: string; VAPID_PUBLIC_KEY?: string; VAPID_PRIVATE_KEY?: string };
}

/**
 * The services as the server wires them (src/app.ts), without HTTP or sockets: a migrated
 * database (SQLite in memory, or a fresh MySQL schema), a manual clock, the simulator,
 * the in-process event bus and rate limits kept in memory (no Redis). Nothing runs in
 * the background: no outbox poller, confirmation sweep or retention; a test drives them
 * (`services.outbox.drain()`, `services.confirmations.expireDue()`), or starts them.
 */
export async function serviceWorld<I extends CardInstitution = SimulatedInstitution>(
  engine: Engine,
  options: ServiceWorldOptions<I> = {},
) {
  const deployment: Deployment = options.deployment ?? {
    database: engine === "mysql" ? await createTestDatabase("mysql") : null,
    secrets: {
      ADMIN_TOKEN: randomBytes(32).toString("base64url"),
      CARD_KEY: randomBytes(32).toString("hex"),
      TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      ...vapidKeys(),
    },
  };
  const { database } = deployment;
  if (options.deployment && !database) throw new Error("a second instance needs MySQL: SQLite in memory is one instance's own");
  const config: Config = loadConfig({
    NODE_ENV: "test",
    // Every secret is given, so nothing is generated into DATA_DIR, which stays unused.
    DATA_DIR: database?.dataDir ?? tmpdir(),
    // A deployment made without Web Push keys gets a pair of this world's own: none is generated into DATA_DIR.
    ...(deployment.secrets.VAPID_PUBLIC_KEY ? {} : vapidKeys()),
    ...deployment.secrets,
    PASSWORD_HASH_COST: "10",
    INSTITUTION_LATENCY_MS: "5",
    INSTITUTION_TIMEOUT_MS: "400",
    RATE_LOGIN_PER_ADDRESS_PER_MIN: "1000",
    RATE_CODE_ISSUE_PER_PHONE_PER_MIN: "1000",
    // Test receivers listen on 127.0.0.1; production refuses this (tests/e2e/outbound-urls.test.ts).
    ...(options.env?.NODE_ENV === "production" ? {} : { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }),
    ...(database?.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...options.env,
  });
  const logs = new LogLines();
  const logger = createLogger("info", logs);
  const dataSource = await openDataSource(config);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });

  const clock = options.clock ?? new ManualClock();
  const institution = (options.institution ?? new SimulatedInstitution(config.institutionLatencyMs)) as I;
  const events = new EventBus();
  const rateLimits = new RateLimits(bucketLimits(config.rateLimits));
  const sms = new SimulatedSms();
  const secrets = resolveSecrets(config, logger);
  const deps: ServiceDeps = { db: new Db(dataSource), clock, config, logger, keys: secrets.keys, ticketSigner: secrets.tickets, receiptSigner: secrets.receipts, institution, rateLimits, events, metrics: noMetrics, sms, vapid: options.push ? secrets.vapid : null };
  const services = createServices(deps, secrets.adminToken);
  const admin = await services.auth.authenticate(`Bearer ${deployment.secrets.ADMIN_TOKEN}`, ADDRESS);

  return {
    services,
    deps,
    clock,
    institution,
    /** What the simulated SMS gateway was asked to send. */
    sms,
    logs: logs.lines,
    admin,
    /** For a second instance: `serviceWorld(engine, { deployment: world.deployment })`. */
    deployment,
    /** The caller a bearer credential makes, as every request is authenticated. */
    callerOf: (credential: string): Promise<Caller> => services.auth.authenticate(`Bearer ${credential}`, ADDRESS),
    async close() {
      services.credentials.stop();
      await services.confirmations.stop();
      await services.pushReminders.stop();
      await services.retention.stop();
      await services.outbox.stop();
      await events.close();
      await dataSource.destroy();
      if (!options.deployment) await database?.drop();
    },
  };
}

export type ServiceWorld<I extends CardInstitution = SimulatedInstitution> = Awaited<ReturnType<typeof serviceWorld<I>>>;

/** A Web Push key pair in the environment's form (docs/push.md). */
function vapidKeys(): { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string } {
  const { publicKey, privateKey } = webPush.generateVAPIDKeys();
  return { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
}

/** The client address every caller of a world comes from. */
const ADDRESS = "192.0.2.10";

/**
 * MySQL as the server opens it; SQLite with the server's own options, in memory instead
 * of a file in DATA_DIR (a fresh, private database per world that leaves nothing behind).
 */
async function openDataSource(config: Config): Promise<DataSource> {
  const server = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (server.options.type !== "better-sqlite3") return server;
  return new DataSource({ ...server.options, database: ":memory:", enableWAL: false });
}

/** A customer enrolled by the back office, logged in, with one card in the wallet: as clients/onboarding.ts does it. */
export async function newCustomer(world: ServiceWorld, pan: string = TEST_CARDS.visa) {
  const phoneNumber = randomPhone();
  const { services } = world;
  const customer = await services.customers.enroll(world.admin, { phone: phoneNumber, name: "Hanako Yamada", password: PASSWORD });
  const caller = await login(world, phoneNumber);
  const added = await services.cards.addCard(caller, {
    pan,
    expiryMonth: 12,
    expiryYear: world.clock.now().getUTCFullYear() + 3,
    holderName: "HANAKO YAMADA",
    kind: "CREDIT",
    institution: "Test Card Co.",
  });
  const card = await services.cards.setCardStatus(caller, added.id, "AVAILABLE", PASSWORD);
  return { caller, customerId: customer.id, phoneNumber, card };
}

export type Customer = Awaited<ReturnType<typeof newCustomer>>;

/** A phone's session: the caller its token makes. */
export async function login(world: ServiceWorld, phoneNumber: string): Promise<Caller> {
  const { token } = await world.services.auth.login(phoneNumber, PASSWORD, ADDRESS);
  return world.callerOf(token);
}

/** A store (of a points program, if given) and its register's caller. */
export async function newStore(
  world: ServiceWorld,
  options: { name?: string; currency?: string; programId?: string; timeZone?: string; webhookUrl?: string } = {},
) {
  const { store, webhookSecret } = await world.services.admin.createStore(world.admin, {
    name: options.name ?? "Corner Store Shibuya",
    currency: options.currency ?? "JPY",
    programId: options.programId ?? null,
    timeZone: options.timeZone ?? null,
    webhookUrl: options.webhookUrl ?? null,
  });
  const key = await world.services.admin.issueApiKey(world.admin, "REGISTER", store.id);
  return { store, webhookSecret, register: await world.callerOf(key.key) };
}

/** A card payment of `amount` yen at a new store, approved at once (redeemCode of a fresh customer's code). */
export async function approvedSale(world: ServiceWorld, amount: number) {
  const shopper = await newCustomer(world);
  const { register } = await newStore(world);
  const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
  const payment = await world.services.payments.redeemCode(register, code, { amount, currency: "JPY" }, `sale-${shopper.phoneNumber}`);
  if (payment.status !== "APPROVED") throw new Error(`the sale was ${payment.status}, not APPROVED`);
  return { register, payment };
}

/** A partner, with the callers of its own systems (PARTNER key) and of one of its gates (GATE key). */
export async function newPartner(world: ServiceWorld, name = "Partner Co.", webhookUrl: string | null = null) {
  const { partner, webhookSecret } = await world.services.admin.createPartner(world.admin, name, webhookUrl);
  const hq = await world.callerOf((await world.services.admin.issueApiKey(world.admin, "PARTNER", partner.id)).key);
  const gate = await world.callerOf((await world.services.admin.issueApiKey(world.admin, "GATE", partner.id)).key);
  return { partner, webhookSecret, hq, gate };
}

/**
 * What a subscriber of `source` receives, collected from now on. Services publish
 * before they return, so once `settled()` resolves after a call, its events are here.
 */
export function listen<T>(source: AsyncIterable<T>) {
  const received: T[] = [];
  const iterator = source[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      received.push(next.value);
    }
  })();
  return {
    received,
    settled: () => new Promise<void>((resolve) => setImmediate(resolve)),
    close: async () => void (await iterator.return?.()),
  };
}
