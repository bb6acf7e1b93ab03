import { createConnection } from "mysql2/promise";
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
    const db = await createConnection({ uri: database.databaseUrl! });
    const row = async () => ((await db.query("SELECT status, decidedAt FROM payments")) as unknown as [Array<{ status: string; decidedAt: Date | null }>])[0][0];
    try {
      // The institution is being asked: the payment is PROCESSING (its answer takes 2.5 s).
      expect(await eventually(async () => (await row())?.status === "PROCESSING", 30_000)).toBe(true);
      first.process.kill("SIGKILL");
      expect(await lost).toBe("cut off");

      const second = await spawnServer(env());
      servers.push(second);
      const secondUp = Date.now();
      const register = new RegisterClient(second.url, apiKey);
      let payment = await register.redeemCode(code, sale, "till-1");
      await eventually(async () => (payment = await register.redeemCode(code, sale, "till-1")).status !== "PROCESSING", 30_000, 200);
      expect(payment).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
      // Its deadline was 3 s after it became PROCESSING, long past once the second instance
      // is up: that instance settles it at its first checks (RECOVERY_AFTER_MS, 2 s, then
      // once a second). Ordered by creation time rather than deadline it took over 30 s.
      const { decidedAt } = await row();
      expect(decidedAt!.getTime() - secondUp).toBeLessThan(10_000);
    } finally {
      await db.end();
    }
  });
});
