import Redis from "ioredis";
import { ManualClock } from "../../src/clock";
import { PaymentEntity } from "../../src/entities";
import type { AuthorizationRequest, AuthorizationResult } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { leaseKey } from "../../src/services/kernel/processing-leases";
import { eventually } from "../support/eventually";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { mysqlAndRedis } from "../support/production";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

/** The simulator, answering only once the test lets it. */
class HeldInstitution extends SimulatedInstitution {
  #asked!: () => void;
  readonly asked = new Promise<void>((resolve) => (this.#asked = resolve));
  #release!: () => void;
  readonly #released = new Promise<void>((resolve) => (this.#release = resolve));

  release(): void {
    this.#release();
  }

  override async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    this.#asked();
    await this.#released;
    return super.authorize(request, signal);
  }
}

const describeIf = mysqlAndRedis ? describe : describe.skip;

/**
 * Two instances on one MySQL and one Redis. The recoverer's clock runs far ahead of the
 * owner's, as a payment past its deadline looks to every instance after a database stall:
 * its own instance is alive and still working on it, so recovery leaves it alone, and the
 * owner records the institution's answer.
 */
describeIf("recovery and a payment whose instance is still working on it (mysql, redis)", () => {
  let database: TestDatabase;
  let owner: TestServer;
  let recoverer: TestServer;
  const institution = new HeldInstitution(1);
  const recovererClock = new ManualClock();

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const env = { REDIS_URL: process.env.TEST_REDIS_URL! };
    // The owner waits for the institution for as long as the test holds its answer.
    owner = await startTestServer("mysql", { database, env: { ...env, INSTITUTION_TIMEOUT_MS: "30000" }, institution, clock: new ManualClock() });
    recoverer = await startTestServer("mysql", { database, env, clock: recovererClock });
  });

  afterAll(async () => {
    await recoverer?.close();
    await owner?.close();
    await database?.drop();
  });

  it("is not reversed by another instance's recovery, and ends as the institution answered", async () => {
    const shopper = await newShopper(owner.url);
    const { register } = await newRegister(owner.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const redeemed = register.redeemCode(code, { amount: 600, currency: "JPY" }, "live-owner");
    await institution.asked;
    const { id } = await owner.app.dataSource.manager.findOneByOrFail(PaymentEntity, { customerId: shopper.customerId, status: "PROCESSING" });
    // What recovery finds seconds after the deadline: the owner's lease, renewed in Redis.
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    try {
      // In the deployment's namespace on Redis: by default its database's name (redis.ts).
      const key = `${new URL(database.databaseUrl!).pathname.slice(1)}:${leaseKey(id)}`;
      expect(await eventually(async () => (await redis.exists(key)) === 1)).toBe(true);
    } finally {
      redis.disconnect();
    }
    recovererClock.advance(60_000);
    expect(await recoverer.app.services.payments.recover()).toBe(0);
    institution.release();
    const payment = await redeemed;
    expect(payment.status).toBe("APPROVED");
    const stored = await recoverer.app.dataSource.manager.findOneByOrFail(PaymentEntity, { id: payment.id });
    expect(stored.status).toBe("APPROVED");
  });
});
