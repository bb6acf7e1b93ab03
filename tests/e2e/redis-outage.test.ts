import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort, spawnServer, type ServerProcess } from "../../scripts/server-process";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });
const UNREACHABLE = "redis unreachable; going on without it";

function redisServerBinary(): string | null {
  try {
    return execFileSync("which", ["redis-server"]).toString().trim() || null;
  } catch {
    return null;
  }
}

/**
 * Redis carries limits and live events only: payments must not stop when it does, and
 * neither may the server process (a failed publish left unhandled would end it).
 */
describe("while Redis cannot be reached", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-redis-outage-"));
  let server: ServerProcess;
  let port: number;
  let redisServer: ChildProcess | null = null;
  const logLines = () => server.output().split("\n");

  beforeAll(async () => {
    port = await freePort(); // nothing listens there, yet
    server = await spawnServer({
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      PASSWORD_HASH_COST: "10",
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LOGIN_PER_PHONE_PER_MIN: "4",
    });
  });
  afterAll(async () => {
    const exitCode = await server.stop();
    redisServer?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  it("takes payments, still limits logins (per instance), and says so once per connection", async () => {
    const shopper = await newShopper(server.url); // one login
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, JPY(1200), "outage-1");
    expect(payment.status).toBe("APPROVED");

    for (let i = 0; i < 3; i++) await shopper.phone.login(shopper.phoneNumber, PASSWORD);
    expect(await errorCodeOf(shopper.phone.login(shopper.phoneNumber, PASSWORD))).toBe("RATE_LIMITED");

    // Every request above failed to reach Redis; the log says it once per connection.
    const warnings = logLines().filter((line) => line.includes(UNREACHABLE));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(3);
  });

  const withRedisServer = redisServerBinary() ? it : it.skip;
  withRedisServer("goes back to Redis once it answers: shared counters and live events", async () => {
    redisServer = spawn(redisServerBinary()!, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    // ioredis reconnects by itself (its back-off grows to 2 s between tries).
    const deadline = Date.now() + 15_000;
    while (logLines().filter((line) => line.includes("redis reachable again")).length < 3) {
      if (Date.now() > deadline) throw new Error("the server did not reconnect to Redis");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const shopper = await newShopper(server.url);
    const counters = new Redis(`redis://127.0.0.1:${port}`);
    try {
      // In the deployment's namespace: "embedded" for a server on SQLite (redis.ts).
      expect(await counters.keys("embedded:wc-rl-loginPerPhone*")).toHaveLength(1);
    } finally {
      counters.disconnect();
    }

    const { register } = await newRegister(server.url);
    const updates = register.paymentUpdates();
    try {
      await updates.ready;
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const payment = await register.redeemCode(code, JPY(900), "outage-2");
      expect((await updates.next(3000)).id).toBe(payment.id);
    } finally {
      updates.close();
    }
  });
});
