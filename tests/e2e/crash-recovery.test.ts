import { RegisterClient } from "../../clients/register";
import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const describeIf = mysqlAvailable ? describe : describe.skip;
if (!mysqlAvailable) process.stdout.write("[crash-recovery] needs MySQL: SKIPPED\n");

/**
 * A server killed with SIGKILL while the institution is answering: the payment it left
 * PROCESSING is settled by the next instance soon after its processing deadline, not
 * half a minute later, and the register's retry gets the decided answer.
 */
describeIf("a server killed in the middle of a payment", () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  const env = () => ({
    DATABASE_URL: database.databaseUrl!,
    DATA_DIR: database.dataDir,
    ADMIN_TOKEN,
    PASSWORD_HASH_COST: "10",
    INSTITUTION_LATENCY_MS: "2500",
    INSTITUTION_TIMEOUT_MS: "3000",
    LOG_LEVEL: "warn",
  });

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  });

  it("is declined and reversed by the next instance within seconds of its deadline, and the retry sees it", async () => {
    const first = await spawnServer(env());
    servers.push(first);
    const shopper = await newShopper(first.url);
    const { apiKey } = await newRegister(first.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const sale = { amount: 900, currency: "JPY" };

    const lost = new RegisterClient(first.url, apiKey).redeemCode(code, sale, "till-1").then(() => "answered", () => "cut off");
    await new Promise((resolve) => setTimeout(resolve, 700)); // the institution is being asked
    first.process.kill("SIGKILL");
    expect(await lost).toBe("cut off");
    const killedAt = Date.now();

    const second = await spawnServer(env());
    servers.push(second);
    const register = new RegisterClient(second.url, apiKey);
    let payment = await register.redeemCode(code, sale, "till-1");
    await eventually(async () => (payment = await register.redeemCode(code, sale, "till-1")).status !== "PROCESSING", 20_000, 200);
    expect(payment).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    // Deadline 3 s after it became PROCESSING, then RECOVERY_AFTER_MS (2 s) and the
    // once-a-second check; ordered by creation time it took over 30 s.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  });
});
