import { LedgerEntryEntity, PaymentEntity, RefundEntity } from "../../src/entities";
import { engines } from "../support/databases";
import { approvedSale as approvedSaleIn, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { errorCodeOf } from "../support/test-data";

// Through the clients, with registers racing: tests/e2e/refunds.test.ts.
describe.each(engines)("refunds in parts: rows, ledger, reports and the UPDATE that decides (%s)", (engine) => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await serviceWorld(engine);
  });
  afterAll(() => world.close());

  const approvedSale = (amount: number) => approvedSaleIn(world, amount);

  it("keeps each refund as its own row with its key and its own negative ledger entry, and reports each with its amount", async () => {
    const { register, payment } = await approvedSale(1_000);
    await world.services.payments.refundPayment(register, payment.id, "till-1", 250);
    await world.services.payments.refundPayment(register, payment.id, null, 150);
    await world.services.payments.refundPayment(register, payment.id, "till-3", null);

    const [refunds, ledger] = await world.deps.db.read((m) =>
      Promise.all([m.find(RefundEntity, { where: { paymentId: payment.id }, order: { id: "ASC" } }), m.find(LedgerEntryEntity, { where: { paymentId: payment.id } })]),
    );
    expect(refunds.map((r) => [r.amount, r.idempotency])).toEqual([
      [250, "till-1"],
      [150, null],
      [600, "till-3"],
    ]);
    expect(ledger.map((e) => [e.entryType, e.amount]).sort()).toEqual([
      ["REFUND", -150],
      ["REFUND", -250],
      ["REFUND", -600],
      ["SALE", 1_000],
    ]);
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(0);

    await world.services.outbox.drain();
    const reported = world.institution.reports.filter((r) => r.paymentId === payment.id && r.kind === "REFUND");
    expect(reported.map((r) => [r.refundId, r.amount])).toEqual(refunds.map((r) => [r.id, r.amount]));
  });

  it("lets the conditional UPDATE decide when the payment was read before another refund committed", async () => {
    const { register, payment } = await approvedSale(1_000);
    const stale = await world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: payment.id }));
    await world.services.payments.refundPayment(register, payment.id, null, 800);
    // What a refund that read the payment before that one committed would send next.
    const late = await world.deps.db.tx((tx) => world.services.paymentDecisions.refund(tx, stale, 300, null));
    expect(late).toBeNull();
    const fits = await world.deps.db.tx((tx) => world.services.paymentDecisions.refund(tx, stale, 200, null));
    expect(fits).toEqual({ status: "REFUNDED", refundedAmount: 1_000, refundedBefore: 800 });
    expect(await world.services.payments.get(register, payment.id)).toMatchObject({ status: "REFUNDED", refundedAmount: 1_000 });
  });

  it("replays a refused refund's error under its key, and refuses refunds of payments that were not approved", async () => {
    const { register, payment } = await approvedSale(500);
    expect(await errorCodeOf(world.services.payments.refundPayment(register, payment.id, "too-much", 600))).toBe("BAD_USER_INPUT");
    await world.services.payments.refundPayment(register, payment.id, null, 100);
    // The key's first answer stands, although 600 would not fit now either way.
    await expect(world.services.payments.refundPayment(register, payment.id, "too-much", 600)).rejects.toMatchObject({ message: expect.stringMatching(/\(500\)/) });

    const voided = await approvedSale(500);
    await world.services.payments.voidPayment(voided.register, voided.payment.id);
    await expect(world.services.payments.refundPayment(voided.register, voided.payment.id, null, 100)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: "A VOIDED payment cannot become PARTIALLY_REFUNDED",
    });
    const other = await newStore(world);
    expect(await errorCodeOf(world.services.payments.refundPayment(other.register, payment.id, null, 100))).toBe("NOT_FOUND");
  });
});
