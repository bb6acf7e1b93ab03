import { ManualClock } from "../../src/clock";
import { LedgerEntryEntity, PaymentEntity } from "../../src/entities";
import { engines } from "../support/databases";
import { newCustomer, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const DAY = 86_400_000;

interface Hook {
  type: string;
  data: { id: string; status: string; amount: number; authorizedAmount?: number; receipt?: { body: { kind: string; amount: number } } };
}

// Authorize now, capture later: the rules, the books, the institution and the races on
// both engines. Through the clients and the register web app: tests/e2e/capture-later.test.ts.
describe.each(engines)("authorize now, capture later (%s)", (engine) => {
  let world: ServiceWorld;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const clock = new ManualClock(new Date("2026-12-01T10:00:00Z"));

  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { AUTHORIZATION_DAYS: "3" } });
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await receiver.close();
    await world.close();
  });

  /** A sale of `amount` yen authorized with capture later at a new store that hears webhooks. */
  async function authorized(amount: number) {
    const shopper = await newCustomer(world);
    const { register, store } = await newStore(world, { name: "Pump 4 Fuel", webhookUrl: receiver.url });
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const payment = await world.services.payments.redeemCode(register, code, { amount, currency: "JPY" }, `auth-${shopper.phoneNumber}`, null, { capture: false });
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: payment.id }), { fresh: true });
    const ledger = () => world.deps.db.read((m) => m.find(LedgerEntryEntity, { where: { paymentId: payment.id } }), { fresh: true });
    return { shopper, register, store, payment, read, ledger };
  }

  // Delivered in any order (the outbox sends a batch at once): put in the order the decisions happen.
  const ORDER = ["payment.authorized", "payment.captured", "payment.released", "payment.voided", "payment.refunded"];
  const byOrder = (x: string, y: string) => ORDER.indexOf(x) - ORDER.indexOf(y);
  const hooksOf = async (paymentId: string): Promise<Hook[]> => {
    await world.services.outbox.drain();
    const hooks = receiver.delivered.map((hook) => JSON.parse(hook.body) as Hook).filter((hook) => hook.data.id === paymentId);
    return hooks.sort((x, y) => byOrder(x.type, y.type));
  };
  const receiptKinds = async (paymentId: string) =>
    (await world.services.receipts.ofObject(paymentId)).map((r) => [r.body.kind, r.body.amount] as [string, number | undefined]).sort(([x], [y]) => byOrder(x, y));

  it("authorizes with the institution and writes no sale; a capture of part makes the sale for that part, which refunds and the store's day follow", async () => {
    const { register, payment, read, ledger } = await authorized(10_000);
    expect(payment).toMatchObject({ status: "AUTHORIZED", amount: 10_000, authorizedAmount: 10_000, capturedAt: null });
    expect(payment.approvalNumber).toMatch(/^[A-Z0-9]{6}$/);
    expect(await ledger()).toEqual([]);
    expect(world.institution.holds.get(payment.id)).toBe(10_000);

    const captured = await world.services.payments.capturePayment(register, payment.id, 6_400, "pump-4-capture");
    expect(captured).toMatchObject({ status: "APPROVED", amount: 6_400, authorizedAmount: 10_000 });
    expect(captured.capturedAt?.getTime()).toBe(clock.now().getTime());
    expect((await ledger()).map((e) => [e.entryType, e.amount])).toEqual([["SALE", 6_400]]);
    // The same key answers the same again, and changes nothing.
    expect(await world.services.payments.capturePayment(register, payment.id, 6_400, "pump-4-capture")).toMatchObject({ status: "APPROVED", amount: 6_400 });
    expect(await ledger()).toHaveLength(1);

    // The refund is bounded by what was captured, not what was authorized.
    await expect(world.services.payments.refundPayment(register, payment.id, null, 6_401)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/\(6400\)/) });
    expect(await world.services.payments.refundPayment(register, payment.id, null, null)).toMatchObject({ status: "REFUNDED", refundedAmount: 6_400 });
    expect((await ledger()).reduce((sum, e) => sum + e.amount, 0)).toBe(0);

    const day = await world.services.storeReports.report(register, "2026-12-01");
    expect(day).toMatchObject({ paymentsApproved: 1, amountApproved: 6_400, amountRefunded: 6_400 });

    const hooks = await hooksOf(payment.id);
    expect(hooks.map((h) => [h.type, h.data.status, h.data.amount, h.data.receipt?.body.kind])).toEqual([
      ["payment.authorized", "AUTHORIZED", 10_000, "payment.authorized"],
      ["payment.captured", "APPROVED", 6_400, "payment.captured"],
      ["payment.refunded", "REFUNDED", 6_400, "payment.refunded"],
    ]);
    expect(hooks[1].data.authorizedAmount).toBe(10_000);
    expect(await receiptKinds(payment.id)).toEqual([
      ["payment.authorized", 10_000],
      ["payment.captured", 6_400],
    ]);
    // The capture reached the institution through the outbox, for the captured amount; no SALE report besides it.
    expect(world.institution.captures.get(payment.id)).toBe(6_400);
    expect(world.institution.reports.filter((r) => r.paymentId === payment.id).map((r) => r.kind)).toEqual(["REFUND"]);
    expect((await read()).status).toBe("REFUNDED");
  });

  it("refuses a capture above the authorization, of nothing, or of a payment not authorized; a refund or a second capture of an authorization", async () => {
    const { register, payment, read } = await authorized(5_000);
    await expect(world.services.payments.capturePayment(register, payment.id, 5_001)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/above the authorized amount \(5000\)/),
    });
    expect(await errorCodeOf(world.services.payments.capturePayment(register, payment.id, 0))).toBe("BAD_USER_INPUT");
    await expect(world.services.payments.refundPayment(register, payment.id, null, 100)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: "A AUTHORIZED payment cannot become PARTIALLY_REFUNDED",
    });
    const other = await newStore(world);
    expect(await errorCodeOf(world.services.payments.capturePayment(other.register, payment.id))).toBe("NOT_FOUND");
    expect(await errorCodeOf(world.services.payments.releaseAuthorization(other.register, payment.id))).toBe("NOT_FOUND");
    expect((await read()).status).toBe("AUTHORIZED");

    // No amount: all of it.
    expect(await world.services.payments.capturePayment(register, payment.id)).toMatchObject({ status: "APPROVED", amount: 5_000 });
    await expect(world.services.payments.capturePayment(register, payment.id, 100)).rejects.toMatchObject({ message: "A APPROVED payment cannot become APPROVED" });
    await expect(world.services.payments.releaseAuthorization(register, payment.id)).rejects.toMatchObject({ message: "A APPROVED payment cannot become RELEASED" });
  });

  it("releases: nothing is charged, the institution lets the hold go, and a released payment is neither captured nor released twice", async () => {
    const { register, payment, ledger } = await authorized(3_000);
    expect(await world.services.payments.releaseAuthorization(register, payment.id, "release-1")).toMatchObject({ status: "RELEASED", amount: 3_000 });
    expect(await world.services.payments.releaseAuthorization(register, payment.id)).toMatchObject({ status: "RELEASED" });
    await expect(world.services.payments.capturePayment(register, payment.id)).rejects.toMatchObject({ message: "A RELEASED payment cannot become APPROVED" });
    expect(await ledger()).toEqual([]);
    expect((await hooksOf(payment.id)).map((h) => h.type)).toEqual(["payment.authorized", "payment.released"]);
    expect(await receiptKinds(payment.id)).toEqual([
      ["payment.authorized", 3_000],
      ["payment.released", 3_000],
    ]);
    expect(world.institution.releases.has(payment.id)).toBe(true);
    expect(world.institution.captures.has(payment.id)).toBe(false);
  });

  it("with a daily limit: an authorization takes from the day and writes no sale; its release gives it back, its capture writes one sale and counts what it charged", async () => {
    const shopper = await newCustomer(world);
    await world.services.dailyLimits.setDailyLimits(shopper.caller, 20_000, 5, PASSWORD);
    const { register } = await newStore(world, { name: "Pump 7 Fuel" });
    const authorize = async (amount: number, key: string) => {
      const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
      return world.services.payments.redeemCode(register, code, { amount, currency: "JPY" }, key, null, { capture: false });
    };
    const ledgerOf = (paymentId: string) => world.deps.db.read((m) => m.find(LedgerEntryEntity, { where: { paymentId } }), { fresh: true });

    const released = await authorize(6_000, "daily-auth-1");
    expect(released.status).toBe("AUTHORIZED");
    expect(await ledgerOf(released.id)).toEqual([]);
    expect(await receiptKinds(released.id)).toEqual([["payment.authorized", 6_000]]);
    expect(await world.services.dailyLimits.dailyLimits(shopper.caller)).toMatchObject({ spentToday: 6_000, paymentsToday: 1 });
    await world.services.payments.releaseAuthorization(register, released.id, "daily-release");
    expect(await world.services.dailyLimits.dailyLimits(shopper.caller)).toMatchObject({ spentToday: 0, paymentsToday: 0 });

    const captured = await authorize(8_000, "daily-auth-2");
    await world.services.payments.capturePayment(register, captured.id, 7_500);
    expect((await ledgerOf(captured.id)).map((e) => [e.entryType, e.amount])).toEqual([["SALE", 7_500]]);
    expect(await world.services.dailyLimits.dailyLimits(shopper.caller)).toMatchObject({ spentToday: 7_500, paymentsToday: 1 });
    // A void of the captured sale gives back what it charged, and the day is as before it.
    await world.services.payments.voidPayment(register, captured.id);
    expect(await world.services.dailyLimits.dailyLimits(shopper.caller)).toMatchObject({ spentToday: 0, paymentsToday: 0 });
  });

  it("a void of an authorization releases it; a void of a captured sale takes back the captured amount", async () => {
    const first = await authorized(2_000);
    expect(await world.services.payments.voidPayment(first.register, first.payment.id)).toMatchObject({ status: "RELEASED" });
    expect(await first.ledger()).toEqual([]);

    const second = await authorized(2_000);
    await world.services.payments.capturePayment(second.register, second.payment.id, 1_500);
    expect(await world.services.payments.voidPayment(second.register, second.payment.id)).toMatchObject({ status: "VOIDED", amount: 1_500 });
    expect((await second.ledger()).map((e) => [e.entryType, e.amount]).sort()).toEqual([
      ["SALE", 1_500],
      ["VOID", -1_500],
    ]);
  });

  it("refuses capture: false with points, before anything is taken", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const hold = world.services.paymentPoints.requestFor({ memberCode: "not-read", redeemPoints: 0 });
    expect(hold).not.toBeNull();
    await expect(world.services.payments.redeemCode(register, code, { amount: 100, currency: "JPY" }, "with-points", hold, { capture: false })).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      details: { field: "capture" },
    });
    // The code was not used: it still pays.
    expect(await world.services.payments.redeemCode(register, code, { amount: 100, currency: "JPY" }, "after")).toMatchObject({ status: "APPROVED" });
  });

  it("an authorization the customer confirms on the phone ends AUTHORIZED too", async () => {
    const shopper = await newCustomer(world);
    await world.services.customers.setConfirmAbove(shopper.caller, 0);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const waiting = await world.services.payments.redeemCode(register, code, { amount: 800, currency: "JPY" }, "confirm-later", null, { capture: false });
    expect(waiting).toMatchObject({ status: "PENDING_CONFIRMATION", authorizedAmount: 800 });
    const request = await world.deps.db.read((m) => m.query("SELECT id FROM confirmation_requests WHERE paymentId = ?", [waiting.id]));
    const answered = await world.services.payments.respondToConfirmation(shopper.caller, request[0].id, true, PASSWORD);
    expect(answered).toMatchObject({ status: "AUTHORIZED", authorizedAmount: 800 });
  });

  it("the sweep releases an authorization past AUTHORIZATION_DAYS, once, when two instances sweep at once; a newer one is kept", async () => {
    const old = await authorized(4_000);
    clock.advance(2 * DAY);
    const newer = await authorized(4_000);
    clock.advance(DAY + 1);
    const sweeps = await Promise.all([world.services.authorizationSweep.sweep(), world.services.authorizationSweep.sweep()]);
    expect(sweeps.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(1);
    expect((await old.read()).status).toBe("RELEASED");
    expect((await newer.read()).status).toBe("AUTHORIZED");
    expect((await hooksOf(old.payment.id)).map((h) => h.type)).toEqual(["payment.authorized", "payment.released"]);
    expect((await receiptKinds(old.payment.id)).map(([kind]) => kind)).toEqual(["payment.authorized", "payment.released"]);
    expect(await errorCodeOf(world.services.payments.capturePayment(old.register, old.payment.id))).toBe("BAD_USER_INPUT");
  });

  it.each([
    ["capture", "release"],
    ["capture", "void"],
    ["release", "void"],
  ] as const)("a %s and a %s of one authorization at once: exactly one wins, and the books say so", async (a, b) => {
    const { register, payment, read, ledger } = await authorized(9_000);
    const act = { capture: () => world.services.payments.capturePayment(register, payment.id, 7_000), release: () => world.services.payments.releaseAuthorization(register, payment.id), void: () => world.services.payments.voidPayment(register, payment.id) };
    const outcomes = await Promise.allSettled([act[a](), act[b]()]);
    const after = await read();
    const sales = (await ledger()).filter((e) => e.entryType === "SALE");
    if (after.status === "APPROVED") {
      // The capture won: the other failed, or was a void that came after it and voided the sale whole.
      expect(outcomes[0].status).toBe("fulfilled");
      expect(outcomes[1].status).toBe("rejected");
      expect(sales.map((e) => e.amount)).toEqual([7_000]);
    } else {
      expect(after.status === "RELEASED" || after.status === "VOIDED").toBe(true);
      if (after.status === "RELEASED") {
        // Both a release and a void of an authorization release it: one moved it, the other answered the same or failed.
        expect(sales).toEqual([]);
        expect(world.institution.captures.has(payment.id)).toBe(false);
      } else {
        // A void after the capture: the sale and its void, for the captured amount.
        expect((await ledger()).map((e) => e.amount).sort((x, y) => x - y)).toEqual([-7_000, 7_000]);
      }
    }
    await world.services.outbox.drain();
    const released = (await world.services.receipts.ofObject(payment.id)).filter((r) => r.body.kind === "payment.released");
    const captured = (await world.services.receipts.ofObject(payment.id)).filter((r) => r.body.kind === "payment.captured");
    // One decision from AUTHORIZED: never both a capture and a release, never two of either.
    expect(released.length + captured.length).toBe(1);
  });
});
