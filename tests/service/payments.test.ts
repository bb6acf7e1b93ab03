import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { newCustomer, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS, errorCodeOf } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

describe.each(engines)("payments: the institution's answers, status moves and idempotency (%s)", (engine) => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await serviceWorld(engine);
  });
  afterAll(() => world.close());

  const codeFor = async (customer: Customer) => (await world.services.codes.issuePaymentCode(customer.caller, customer.card.id, PASSWORD, null)).code;

  it("reports an approved sale to the institution through the outbox", async () => {
    const shopper = await newCustomer(world, TEST_CARDS.mastercard);
    const { register } = await newStore(world);
    const payment = await world.services.payments.redeemCode(register, await codeFor(shopper), JPY(500), "report-1");
    await world.services.outbox.drain();
    expect(world.institution.reports).toContainEqual(expect.objectContaining({ paymentId: payment.id, kind: "SALE" }));
  });

  it("declines by the institution's answer and says why", async () => {
    const { register } = await newStore(world);
    for (const [pan, reason] of [
      [TEST_CARDS.declined, "card_declined"],
      [TEST_CARDS.insufficientFunds, "insufficient_funds"],
      [TEST_CARDS.expired, "expired_card"],
    ]) {
      const shopper = await newCustomer(world, pan);
      const payment = await world.services.payments.redeemCode(register, await codeFor(shopper), JPY(100), `decline-${reason}`);
      expect(payment).toMatchObject({ status: "DECLINED", declineReason: reason, approvalNumber: null });
    }
  });

  it("reverses a payment the institution does not answer in time", async () => {
    const shopper = await newCustomer(world, TEST_CARDS.noAnswer);
    const { register } = await newStore(world);
    const payment = await world.services.payments.redeemCode(register, await codeFor(shopper), JPY(100), "timeout-1");
    expect(payment).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    await world.services.outbox.drain();
    expect(world.institution.reversals.has(payment.id)).toBe(true);
  });

  it("voids and refunds approved payments, once each, and moves no payment off the table", async () => {
    const { register } = await newStore(world);
    const shopper = await newCustomer(world);
    const pay = async (key: string) => world.services.payments.redeemCode(register, await codeFor(shopper), JPY(700), key);
    const first = await pay("vr-1");
    expect((await world.services.payments.voidPayment(register, first.id, "void-1")).status).toBe("VOIDED");
    expect((await world.services.payments.voidPayment(register, first.id, "void-1")).status).toBe("VOIDED");
    expect(await errorCodeOf(world.services.payments.refundPayment(register, first.id))).toBe("BAD_USER_INPUT"); // a voided payment stays voided
    const second = await pay("vr-2");
    expect((await world.services.payments.refundPayment(register, second.id)).status).toBe("REFUNDED");
    expect((await world.services.payments.get(shopper.caller, second.id))?.status).toBe("REFUNDED");

    const declined = await world.services.payments.redeemCode(register, await codeFor(await newCustomer(world, TEST_CARDS.declined)), JPY(700), "vr-3");
    expect(await errorCodeOf(world.services.payments.refundPayment(register, declined.id))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(world.services.payments.voidPayment(register, declined.id))).toBe("BAD_USER_INPUT");
  });

  it("pages the history newest first, for the phone and for the store", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) ids.push((await world.services.payments.redeemCode(register, await codeFor(shopper), JPY(amount), `page-${amount}`)).id);
    const first = await world.services.payments.list(shopper.caller, 2, null);
    expect(first.nodes.map((p) => p.amount)).toEqual([300, 200]);
    const second = await world.services.payments.list(shopper.caller, 2, first.nextCursor);
    expect(second.nodes.map((p) => p.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await world.services.payments.list(register, 3, null)).nodes.map((p) => p.id)).toEqual([...ids].reverse());
  });

  it("gives exactly one APPROVED payment for 40 concurrent redeems of one code at two registers", async () => {
    const shopper = await newCustomer(world);
    const a = await newStore(world, { name: "Store A" });
    const b = await newStore(world, { name: "Store B" });
    const code = await codeFor(shopper);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        world.services.payments.redeemCode((i % 2 === 0 ? a : b).register, code, JPY(300), `race-${i}`).then(
          (p) => p.status,
          (e: { code?: string }) => e.code ?? "NO_CODE",
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "APPROVED")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "CODE_ALREADY_USED")).toHaveLength(39);
    expect((await world.services.payments.list(shopper.caller, 100, null)).nodes).toHaveLength(1);
  });

  it("same idempotency key: the same answer, an error replayed, or IDEMPOTENCY_CONFLICT for another request", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const redeem = (code: string, amount: number, key: string) => world.services.payments.redeemCode(register, code, JPY(amount), key);
    const code = await codeFor(shopper);
    const first = await redeem(code, 500, "idem-1");
    expect(await redeem(code, 500, "idem-1")).toEqual(first);
    expect(await errorCodeOf(redeem(code, 501, "idem-1"))).toBe("IDEMPOTENCY_CONFLICT");
    // An error is an answer too: it is replayed for its key.
    expect(await errorCodeOf(redeem(code, 500, "idem-2"))).toBe("CODE_ALREADY_USED");
    expect(await errorCodeOf(redeem(code, 500, "idem-2"))).toBe("CODE_ALREADY_USED");

    const second = await codeFor(shopper);
    const racing = await Promise.all(Array.from({ length: 10 }, () => redeem(second, 700, "idem-race")));
    expect(new Set(racing.map((p) => p.id)).size).toBe(1);
    expect(racing.every((p) => p.status === "APPROVED")).toBe(true);
    expect((await world.services.payments.list(shopper.caller, 100, null)).nodes.filter((p) => p.amount === 700)).toHaveLength(1);

    const refundedOnce = await world.services.payments.refundPayment(register, first.id, "refund-1");
    expect(refundedOnce.status).toBe("REFUNDED");
    expect(await world.services.payments.refundPayment(register, first.id, "refund-1")).toEqual(refundedOnce);
    expect(await errorCodeOf(world.services.payments.voidPayment(register, first.id, "refund-1"))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await errorCodeOf(world.services.payments.voidPayment(register, first.id))).toBe("BAD_USER_INPUT"); // a refunded payment cannot be voided
  });
});
