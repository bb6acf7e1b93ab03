import { spawnServer, type ServerProcess } from "../../scripts/server-process";
import { eventually } from "../support/eventually";
import { createTestDatabase, engines, type Engine, type TestDatabase } from "../support/databases";
import { readOutbox } from "../support/outbox-reader";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

/**
 * A server killed with SIGKILL after a void commits and while its reversal and its
 * report are on their way to the institution: the next instance leaves them alone while
 * the dead one's lease lasts (the call may still land), then delivers both, once.
 */
describe("a void whose instance dies before its reversal is delivered", () => {
  const databases: TestDatabase[] = [];
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(databases.map((d) => d.drop()));
  });

  async function scenario(engine: Engine) {
    const database = await createTestDatabase(engine);
    databases.push(database);
    const env = {
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      DATA_DIR: database.dataDir,
      ADMIN_TOKEN,
      PASSWORD_HASH_COST: "10",
      // Every institution call takes 1.5 s, so the kill lands while the reversal is asked.
      INSTITUTION_LATENCY_MS: "1500",
      OUTBOX_DELIVERY_TIMEOUT_MS: "3000",
      OUTBOX_POLL_MS: "200",
      LOG_LEVEL: "warn",
    };
    const start = async () => {
      const server = await spawnServer(env);
      servers.push(server);
      return server;
    };

    const first = await start();
    const shopper = await newShopper(first.url);
    const { register } = await newRegister(first.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const sale = await register.redeemCode(code, { amount: 1_200, currency: "JPY" }, "till-1");
    expect(sale.status).toBe("APPROVED");
    expect(await eventually(async () => (await readOutbox(database)).every((row) => row.delivered), 10_000)).toBe(true);

    expect((await register.voidPayment(sale.id, "void-1")).status).toBe("VOIDED");
    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));

    const left = (await readOutbox(database)).filter((row) => row.paymentId === sale.id && !row.delivered);
    expect(left.map((row) => row.topic).sort()).toEqual(["institution.report", "institution.reverse"]);
    const deadLease = left[0].leaseId;
    expect(deadLease).not.toBeNull(); // leased to the dead instance from its insert
    expect(left.every((row) => row.leaseId === deadLease)).toBe(true);

    const deadLeaseEnds = left[0].lockedUntil!;

    // The lease is the delivery timeout plus 20 s; then a poll of the new instance takes both.
    const second = await start();
    expect(await eventually(async () => (await readOutbox(database)).every((row) => row.delivered), 60_000)).toBe(true);
    const rows = (await readOutbox(database)).filter((row) => row.paymentId === sale.id);
    expect(rows).toHaveLength(3); // the sale's report, the void's report and reversal: nothing doubled
    const [saleReport, ...voidRows] = rows;
    expect(saleReport).toMatchObject({ topic: "institution.report", leaseId: deadLease });
    // Delivered under a poll's own lease, not the dead instance's, and only once that had run out.
    expect(voidRows.every((row) => row.delivered && row.leaseId !== null && row.leaseId !== deadLease)).toBe(true);
    expect(voidRows.every((row) => row.deliveredAt!.getTime() >= deadLeaseEnds.getTime())).toBe(true);
    expect(second.process.exitCode).toBeNull();
  }

  it("is delivered by the next instance once the dead one's lease runs out", async () => {
    await Promise.all(engines.map(scenario));
  }, 240_000);
});
