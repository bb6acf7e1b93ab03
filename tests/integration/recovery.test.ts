import { IdempotencyRecordEntity, PaymentEntity, WalletCodeEntity } from "../../src/entities";
import { ManualClock } from "../../src/clock";
import { HeldInstitution } from "../support/held-institution";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";
import { insertOutboxRow } from "../support/outbox-rows";

describe.each(engines)("a payment a crash left half-way (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  // A call the test holds must not time out while held.
  const institution = new HeldInstitution(5);
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, institution, env: { INSTITUTION_TIMEOUT_MS: "30000" } });
  });
  afterAll(() => server.close());

  /**
   * A payment as the first transaction of a redeem leaves it: code used, PROCESSING,
   * nothing asked yet. `processingDeadline` undefined: as this server sets it.
   */
  async function interruptedPayment(processingDeadline?: Date | null): Promise<string> {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const template = await register.redeemCode(code, { amount: 100, currency: "JPY" }, "template");
    const m = server.app.dataSource.manager;
    const row = await m.findOneByOrFail(PaymentEntity, { id: template.id });
    const id = "01a20000-0000-7000-8000-" + String(Date.now()).slice(-12).padStart(12, "0");
    const deadline = processingDeadline === undefined ? new Date(clock.now().getTime() + 400) : processingDeadline;
    await m.insert(PaymentEntity, {
      ...row,
      id,
      status: "PROCESSING",
      approvalNumber: null,
      decidedAt: null,
      createdAt: clock.now(),
      processingDeadline: deadline,
    });
    return id;
  }

  it("is reversed and declined once RECOVERY_AFTER_MS past its processing deadline, never left hanging", async () => {
    const id = await interruptedPayment();
    expect(await server.app.services.payments.recover()).toBe(0); // the first call may be running
    clock.advance(2_000); // 400 ms deadline + 2 s: the instance that asked could still be recording
    expect(await server.app.services.payments.recover()).toBe(0);
    clock.advance(500);
    expect(await server.app.services.payments.recover()).toBe(1);
    const settled = await server.app.dataSource.manager.findOneByOrFail(PaymentEntity, { id });
    expect(settled).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    await server.app.services.outbox.drain();
    expect(institution.reversals.has(id)).toBe(true);
    expect(await server.app.services.payments.recover()).toBe(0); // once only
  });

  it("judges a payment without a deadline (from an older instance) by its age", async () => {
    const id = await interruptedPayment(null);
    clock.advance(29_000);
    expect(await server.app.services.payments.recover()).toBe(0);
    clock.advance(2_000);
    expect(await server.app.services.payments.recover()).toBe(1);
    expect(await server.app.dataSource.manager.findOneByOrFail(PaymentEntity, { id })).toMatchObject({ status: "DECLINED" });
  });

  it("charges a payment the phone approved long after the register asked: never reversed while the institution answers", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const asked = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 700, currency: "JPY" }, "late-ok");
    clock.advance(31_000); // the customer thinks it over
    const [request] = await shopper.phone.pendingConfirmations();
    const call = institution.holdNext();
    const approving = shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    await call.arrived; // the institution is being asked
    expect(await server.app.services.payments.recover()).toBe(0);
    call.release();
    expect(await approving).toMatchObject({ id: asked.id, status: "APPROVED" });
  });

  it("keeps the redeem's code used and its idempotency answer", async () => {
    const m = server.app.dataSource.manager;
    expect(await m.count(WalletCodeEntity)).toBeGreaterThan(0);
    expect(await m.countBy(IdempotencyRecordEntity, { idemKey: "template" })).toBeGreaterThan(0);
  });

  it("retries institution reports with backoff until they go through, once", async () => {
    institution.failReports = true;
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount: 300, currency: "JPY" }, "report-retry");
    await server.app.services.outbox.drain();
    expect(institution.reports.some((r) => r.paymentId === payment.id)).toBe(false);
    clock.advance(500); // not yet due again
    expect(await server.app.services.outbox.drain()).toBe(0);
    institution.failReports = false;
    clock.advance(5_000);
    await server.app.services.outbox.drain();
    expect(institution.reports.filter((r) => r.paymentId === payment.id)).toHaveLength(1);
    clock.advance(3_600_000);
    await server.app.services.outbox.drain();
    expect(institution.reports.filter((r) => r.paymentId === payment.id)).toHaveLength(1);
  });

  it("delivers every message exactly once when several rounds lease at the same time", async () => {
    const { outbox } = server.app.services;
    const seen = new Map<number, number>();
    outbox.register("test.race", async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 1)); // let the rounds interleave
      seen.set(Number(payload.n), (seen.get(Number(payload.n)) ?? 0) + 1);
    });
    for (let n = 0; n < 120; n++) await insertOutboxRow(server.app.dataSource, { topic: "test.race", payload: { n }, now: clock.now() });
    await Promise.all(Array.from({ length: 4 }, () => outbox.drain()));
    expect(seen.size).toBe(120);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });
});
