import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer } from "../../scripts/server-process";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { productionKeys } from "../support/production";
import { scrape } from "../support/scrape";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper } from "../support/world";

/** Random-looking, as METRICS_TOKEN must be, and not the admin token. */
const METRICS_TOKEN = "mT7Qx2vKp9LrW4sZ8yBnC3dFh6JgE5aU1oViX0tRq-_";
const JPY = (amount: number) => ({ amount, currency: "JPY" });

describe.each(engines)("what an operator watches (%s)", (engine) => {
  let server: TestServer;
  const read = () => scrape(server.url, METRICS_TOKEN);

  beforeAll(async () => {
    server = await startTestServer(engine, { env: { METRICS_TOKEN, RATE_LOGIN_PER_PHONE_PER_MIN: "3" } });
  });
  afterAll(() => server.close());

  it("answers /metrics only to the token's bearer", async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await right.text()).toContain("# TYPE wallet_operation_duration_seconds histogram");
  });

  it("counts an approved payment: the redeem outcome, the operation, the institution's answer", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const before = await read();

    const payment = await register.redeemCode(code, JPY(1200), "metrics-approved");
    expect(payment.status).toBe("APPROVED");

    const after = await read();
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved("wallet_redeem_outcomes_total", { outcome: "approved", reason: "none" })).toBe(1);
    expect(moved("wallet_operation_duration_seconds_count", { operation: "redeemCode", outcome: "ok", transport: "http" })).toBe(1);
    expect(moved("wallet_operation_duration_seconds_bucket", { operation: "redeemCode", outcome: "ok", le: "+Inf" })).toBe(1);
    expect(moved("wallet_institution_request_duration_seconds_count", { call: "authorize", outcome: "approved" })).toBe(1);
    expect(after.value("wallet_institution_request_duration_seconds_sum", { call: "authorize" })).toBeGreaterThan(0);
    // The backlog is a gauge read from the database at the scrape, by destination.
    expect(after.series("wallet_outbox_backlog_messages").map((l) => l.destination).sort()).toEqual(["institution", "partner", "push"]);
    expect(after.series("wallet_outbox_oldest_message_age_seconds").length).toBe(3);
    expect(after.series("wallet_outbox_dead_messages").length).toBe(3);
    // The sealer's lag: receipts waiting (this payment's, at least until the next round) and the books' size.
    expect(after.series("wallet_books_unsealed_receipts")).toHaveLength(1);
    expect(after.series("wallet_books_oldest_unsealed_age_seconds")).toHaveLength(1);
    expect(after.value("wallet_books_unsealed_receipts", {}) + after.value("wallet_books_size", {})).toBeGreaterThanOrEqual(1);
    // No id, phone number or code is ever a label value.
    for (const secret of [payment.id, shopper.phoneNumber, code, shopper.card.id]) expect(after.text).not.toContain(secret);
  });

  it("counts a declined payment by its reason, and a refused redeem as its error code", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.declined);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const before = await read();

    expect((await register.redeemCode(code, JPY(500), "metrics-declined")).status).toBe("DECLINED");
    expect(await errorCodeOf(register.redeemCode(code, JPY(500), "metrics-again"))).toBe("CODE_ALREADY_USED");

    const after = await read();
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved("wallet_redeem_outcomes_total", { outcome: "declined", reason: "card_declined" })).toBe(1);
    expect(moved("wallet_redeem_outcomes_total", { outcome: "approved" })).toBe(0);
    expect(moved("wallet_institution_request_duration_seconds_count", { call: "authorize", outcome: "declined" })).toBe(1);
    expect(moved("wallet_operation_duration_seconds_count", { operation: "redeemCode", outcome: "CODE_ALREADY_USED" })).toBe(1);
  });

  it("counts rate-limit refusals by limit", async () => {
    const shopper = await newShopper(server.url); // one login of three this minute
    const before = await read();
    await shopper.phone.login(shopper.phoneNumber, PASSWORD);
    await shopper.phone.login(shopper.phoneNumber, PASSWORD);
    expect(await errorCodeOf(shopper.phone.login(shopper.phoneNumber, PASSWORD))).toBe("RATE_LIMITED");

    const after = await read();
    expect(after.value("wallet_rate_limit_refusals_total", { limit: "loginPerPhone" }) - before.value("wallet_rate_limit_refusals_total", { limit: "loginPerPhone" })).toBe(1);
    expect(after.value("wallet_operation_duration_seconds_count", { operation: "login", outcome: "RATE_LIMITED" })).toBeGreaterThanOrEqual(1);
  });

  it("counts open sockets by role", async () => {
    const shopper = await newShopper(server.url);
    const feed = shopper.phone.confirmationRequests();
    await feed.ready;
    try {
      const open = await read();
      expect(open.value("wallet_websockets_open", { role: "phone" })).toBe(1);
      expect(open.value("wallet_websockets_open", { role: "register" })).toBe(0);
    } finally {
      feed.close();
    }
  });

  it("is ready, and not once a migration this code knows is missing from the database", async () => {
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", database: "ok", redis: "not configured", migrations: "applied" });

    // As a database restored from an older backup would be: the newest migration not recorded.
    const newest = server.app.dataSource.migrations.at(-1)!.name!;
    expect(await server.app.db.write("DELETE FROM migrations WHERE name = ?", [newest])).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the reuse of the last answer
    const pending = await fetch(`${server.url}/ready`);
    expect(pending.status).toBe(503);
    expect(await pending.json()).toMatchObject({ status: "unavailable", database: "ok", migrations: "pending" });
    // Liveness is another question: the process and its database live.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe.each(engines)("an instance whose Redis cannot be reached (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    const closed = await freePort(); // nothing listens there
    server = await startTestServer(engine, { env: { METRICS_TOKEN, REDIS_URL: `redis://127.0.0.1:${closed}` } });
  });
  afterAll(() => server.close());

  it("stays ready, says it is degraded in /ready and /metrics, and counts the live events it could not publish", async () => {
    // A load balancer following /ready must not turn a Redis outage into a full outage.
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "degraded", database: "ok", redis: "unreachable", migrations: "applied" });

    const before = await scrape(server.url, METRICS_TOKEN);
    expect(before.value("wallet_degraded", { dependency: "redis" })).toBe(1);
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    expect((await register.redeemCode(code, JPY(700), "degraded-1")).status).toBe("APPROVED");
    // The payment's live event, to the phone and to the store, went nowhere: counted.
    const after = await scrape(server.url, METRICS_TOKEN);
    expect(after.value("wallet_live_events_unpublished_total") - before.value("wallet_live_events_unpublished_total")).toBeGreaterThanOrEqual(2);
  });
});

describe("/metrics and /ready of a server process", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-metrics-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("in development, answers /metrics to this host, and stays ready, degraded, while Redis does not answer", async () => {
    const closed = await freePort(); // nothing listens there
    const server = await spawnServer({ DATA_DIR: join(dataDir, "dev"), ADMIN_TOKEN, PASSWORD_HASH_COST: "10", REDIS_URL: `redis://127.0.0.1:${closed}` });
    try {
      // The test talks to 127.0.0.1: a developer on the same host, with nothing configured.
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("# TYPE wallet_rate_limit_refusals_total counter");

      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "degraded", database: "ok", redis: "unreachable", migrations: "applied" });
      // It still lives, and takes payments without Redis (tests/e2e/redis-outage.test.ts).
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("in production without METRICS_TOKEN, answers /metrics to nobody", async () => {
    const server = await spawnServer({ ...productionKeys(), DATA_DIR: join(dataDir, "prod"), ADMIN_TOKEN, PASSWORD_HASH_COST: "10" });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(403);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("while shutting down, answers /ready with 503 and still serves until it closes", async () => {
    const server = await spawnServer({ DATA_DIR: join(dataDir, "drain"), ADMIN_TOKEN, PASSWORD_HASH_COST: "10", SHUTDOWN_DRAIN_MS: "4000" });
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const stopped = server.stop(); // SIGTERM
    let readyBody: unknown;
    const shuttingDown = async () => {
      const ready = await fetch(`${server.url}/ready`);
      readyBody = await ready.json();
      return ready.status === 503;
    };
    expect(await eventually(shuttingDown)).toBe(true);
    expect(readyBody).toEqual({ status: "shutting down" });
    const stillServing = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await stillServing.json()).toEqual({ data: { __typename: "Query" } });
    expect(await stopped).toBe(0);
  });
});
