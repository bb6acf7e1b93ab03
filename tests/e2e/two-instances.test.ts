import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const mysqlAndRedis = Boolean(process.env.TEST_MYSQL_URL && process.env.TEST_REDIS_URL);
if (!mysqlAndRedis) {
  process.stdout.write("[two-instances] needs MySQL and Redis: SKIPPED\n");
}
const describeIf = mysqlAndRedis ? describe : describe.skip;

describeIf("two server processes on one MySQL and one Redis", () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const env = {
      NODE_ENV: "production",
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: process.env.TEST_REDIS_URL!,
      ADMIN_TOKEN,
      CARD_KEY: randomBytes(32).toString("hex"),
      TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      DATA_DIR: database.dataDir,
      PASSWORD_HASH_COST: "10",
      INSTITUTION_LATENCY_MS: "5",
      LOG_LEVEL: "warn",
    };
    // The first migrates the fresh database; the second finds it current.
    servers.push(await spawnServer(env));
    servers.push(await spawnServer(env));
  });

  afterAll(async () => {
    const codes = await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
    expect(codes).toEqual([0, 0]);
  });

  it("lets a phone on the first confirm what a register did on the second", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    await shopper.phone.setConfirmAbove(0);
    const { register } = await newRegister(second.url);
    const requests = shopper.phone.confirmationRequests();
    const updates = register.paymentUpdates();
    try {
      await Promise.all([requests.ready, updates.ready]);
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const pending = await register.redeemCode(code, { amount: 1800, currency: "JPY" }, "two-1");
      expect(pending.status).toBe("PENDING_CONFIRMATION");

      const request = await requests.next(2000);
      expect(request.payment.id).toBe(pending.id);
      expect((await updates.next(2000)).status).toBe("PENDING_CONFIRMATION");

      const approved = await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
      expect(approved.status).toBe("APPROVED");
      const told = await updates.next(2000);
      expect(told).toMatchObject({ id: pending.id, status: "APPROVED", approvalNumber: approved.approvalNumber });
    } finally {
      await shopper.phone.live.close();
      await register.live.close();
    }
  });
});
