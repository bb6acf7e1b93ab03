import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

// The rules (idempotency, ledger entries, what a void may still do) are also
// tests/service/refunds.test.ts.
describe.each(engines)("refunds in parts, through the clients (%s)", (engine) => {
  let server: TestServer;
  const institution = new SimulatedInstitution(5);
  beforeAll(async () => {
    server = await startTestServer(engine, { institution });
  });
  afterAll(() => server.close());

  /** An approved sale of `amount` yen at a fresh store, with `registers` register keys of that store. */
  async function approvedSale(amount: number, registers = 1) {
    const shopper = await newShopper(server.url);
    const { register, store } = await newRegister(server.url);
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const others = [];
    for (let i = 1; i < registers; i++) others.push(new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key));
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount, currency: "JPY" }, `sale-${amount}-${Date.now()}`);
    expect(payment).toMatchObject({ status: "APPROVED", refundedAmount: 0 });
    return { shopper, register, registers: [register, ...others], payment };
  }

  it("refunds a part, then another, then the rest: PARTIALLY_REFUNDED, then REFUNDED, each reported with its own amount", async () => {
    const { shopper, register, payment } = await approvedSale(1_000);
    expect(await register.refundPayment(payment.id, "part-1", 300)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 300, amount: 1_000 });
    expect(await register.refundPayment(payment.id, undefined, 200)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 500 });
    expect(await shopper.phone.payment(payment.id)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 500 });

    // No amount: all that is left.
    expect(await register.refundPayment(payment.id, "rest")).toMatchObject({ status: "REFUNDED", refundedAmount: 1_000 });
    expect(await errorCodeOf(register.refundPayment(payment.id))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(register.refundPayment(payment.id, undefined, 1))).toBe("BAD_USER_INPUT");

    expect(await eventually(() => institution.reports.filter((r) => r.paymentId === payment.id && r.kind === "REFUND").length === 3)).toBe(true);
    const refunds = institution.reports.filter((r) => r.paymentId === payment.id && r.kind === "REFUND");
    expect(refunds.map((r) => r.amount).sort((a, b) => a - b)).toEqual([200, 300, 500]);
    expect(new Set(refunds.map((r) => r.refundId)).size).toBe(3);
  });

  it("refuses an amount of 0, below 0 or above what is left, and a void once part is refunded", async () => {
    const { register, payment } = await approvedSale(1_000);
    await expect(register.refundPayment(payment.id, undefined, 0)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/positive/) });
    expect(await errorCodeOf(register.refundPayment(payment.id, undefined, -5))).toBe("BAD_USER_INPUT");
    await expect(register.refundPayment(payment.id, undefined, 1_001)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/above what is left to refund \(1000\)/),
    });
    await register.refundPayment(payment.id, undefined, 400);
    await expect(register.refundPayment(payment.id, undefined, 601)).rejects.toMatchObject({ message: expect.stringMatching(/\(600\)/) });
    await expect(register.voidPayment(payment.id)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: "A PARTIALLY_REFUNDED payment cannot become VOIDED" });
    expect(await register.payment(payment.id)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 400 });
  });

  it("replays the same key with the same amount, and refuses it with another amount", async () => {
    const { register, payment } = await approvedSale(1_000);
    const first = await register.refundPayment(payment.id, "receipt-77", 250);
    expect(first).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 250 });
    expect(await register.refundPayment(payment.id, "receipt-77", 250)).toEqual(first);
    expect(await errorCodeOf(register.refundPayment(payment.id, "receipt-77", 300))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await errorCodeOf(register.refundPayment(payment.id, "receipt-77"))).toBe("IDEMPOTENCY_CONFLICT");
    expect((await register.payment(payment.id))?.refundedAmount).toBe(250);
  });

  it("never gives back more than was paid: ten registers refunding 300 of 1,000 at once, exactly three succeed", async () => {
    const { register, registers, payment } = await approvedSale(1_000, 10);
    const outcomes = await Promise.allSettled(registers.map((r, i) => r.refundPayment(payment.id, `race-${i}`, 300)));
    const succeeded = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(succeeded).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const { reason } of refused) expect(reason).toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/left to refund/) });
    expect(await register.payment(payment.id)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 900 });
  });

  it("refunds in full exactly once when ten registers refund all that is left at once", async () => {
    const { register, registers, payment } = await approvedSale(1_000, 10);
    await register.refundPayment(payment.id, undefined, 100);
    const outcomes = await Promise.allSettled(registers.map((r) => r.refundPayment(payment.id)));
    const succeeded = outcomes.filter((o) => o.status === "fulfilled");
    expect(succeeded).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(await register.payment(payment.id)).toMatchObject({ status: "REFUNDED", refundedAmount: 1_000 });
  });
});
