import { ManualClock } from "../../src/clock";
import { PaymentEntity, PointSettlementEntity } from "../../src/entities";
import { CRASHING_CARD, CrashingInstitution } from "../support/crashing-institution";
import { OFFLINE_TOKEN_PREFIX } from "../../clients/wire/offline-token";
import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

// Through the clients: tests/e2e/points-with-payment.test.ts. Here: what needs the clock or
// the server's inside (a crash's recovery, a timeout, an expiry, voids, the change feed).
describe.each(engines)("points with a card payment: held, settled, given back (%s)", (engine) => {
  let world: ServiceWorld<CrashingInstitution>;
  const clock = new ManualClock(new Date("2026-11-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, institution: new CrashingInstitution(), env: { FEED_SETTLE_MS: "0" } });
  });
  afterAll(() => world.close());

  /** A program of 10 points per 100 yen at 1 yen a point, its store's register, and a member with `points` and a card (`pan`). */
  async function member(points: number, pan: string = TEST_CARDS.visa) {
    const { partner, hq } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, { name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.1, pointValue: 1, expiryDays: 365 });
    const { register } = await newStore(world, { name: "Sunshine Mart Ebisu", programId: program.id });
    const customer = await newCustomer(world, pan);
    await world.services.memberships.joinProgram(customer.caller, program.id);
    const memberCode = async () => (await world.services.memberships.issueMemberCode(customer.caller, program.id, PASSWORD)).code;
    const payCode = async () => (await world.services.codes.issuePaymentCode(customer.caller, customer.card.id, PASSWORD, null)).code;
    if (points > 0) await world.services.points.settlePoints(register, await memberCode(), points * 10, 0, `cash-${customer.phoneNumber}`);
    const balance = async () => (await world.services.memberships.memberships(customer.caller))[0].points;
    const pay = async (amount: number, redeemPoints: number, key: string) =>
      world.services.payments.redeemCode(register, await payCode(), JPY(amount), key, world.services.paymentPoints.requestFor({ memberCode: await memberCode(), redeemPoints }));
    const settlement = (payment: PaymentEntity) => world.deps.db.read((m) => m.findOneByOrFail(PointSettlementEntity, { id: payment.pointsSettlementId! }));
    const feed = async () => (await world.services.points.pointMovements(hq, program.id, 100, null)).nodes.map((n) => [n.kind, n.points]);
    return { customer, register, balance, pay, settlement, feed };
  }

  it("gives the held points back when a crash left the payment PROCESSING and recovery reverses it", async () => {
    const m = await member(500, CRASHING_CARD);
    void m.pay(1_000, 300, "crash-1"); // never answers: the instance that asked is as good as dead
    let payment: PaymentEntity | undefined;
    while (!payment) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      payment = (await world.services.payments.list(m.customer.caller, 1, null)).nodes[0];
    }
    expect(payment).toMatchObject({ status: "PROCESSING", amount: 700 });
    expect(await m.balance()).toBe(200);
    expect((await m.settlement(payment)).state).toBe("HELD");

    clock.advance(world.deps.config.institutionTimeoutMs + world.deps.config.recoveryAfterMs + 1);
    expect(await world.services.payments.recover()).toBe(1);
    expect(await world.services.payments.get(m.customer.caller, payment.id)).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    expect(await m.balance()).toBe(500);
    expect((await m.settlement(payment)).state).toBe("RELEASED");
    expect(await world.services.payments.recover()).toBe(0);
    expect(await m.balance()).toBe(500); // given back once
    expect(await m.feed()).toEqual([["EARN", 500]]);
  });

  it("gives the held points back when the institution does not answer in time", async () => {
    const m = await member(500, TEST_CARDS.noAnswer);
    const payment = await m.pay(1_000, 300, "timeout-1");
    expect(payment).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    expect(await m.balance()).toBe(500);
    expect((await m.settlement(payment)).state).toBe("RELEASED");
  });

  it("gives the held points back when the phone's request expires, and when the register voids the waiting sale", async () => {
    const m = await member(500);
    await world.services.customers.setConfirmAbove(m.customer.caller, 0);
    const expiring = await m.pay(1_000, 100, "expire-1");
    const voided = await m.pay(1_000, 200, "void-waiting-1");
    expect([expiring.status, voided.status]).toEqual(["PENDING_CONFIRMATION", "PENDING_CONFIRMATION"]);
    expect(await m.balance()).toBe(200);

    expect((await world.services.payments.voidPayment(m.register, voided.id)).status).toBe("VOIDED");
    expect(await m.balance()).toBe(400);
    clock.advance(world.deps.config.confirmationTtlSeconds * 1000 + 1);
    expect(await world.services.confirmations.expireDue()).toBe(1);
    expect((await world.services.payments.get(m.customer.caller, expiring.id))?.status).toBe("EXPIRED");
    expect(await m.balance()).toBe(500);
    expect(await m.feed()).toEqual([["EARN", 500]]);
  });

  it("undoes all the points of an approved sale that is voided", async () => {
    const m = await member(500);
    const payment = await m.pay(1_000, 200, "void-approved-1");
    expect(await m.balance()).toBe(380);
    expect((await world.services.payments.voidPayment(m.register, payment.id)).status).toBe("VOIDED");
    expect(await m.balance()).toBe(500);
    expect(await m.settlement(payment)).toMatchObject({ state: "SETTLED", pointsReturned: 200, pointsTakenBack: 80, shortfall: 0 });
  });

  it("writes every move to the program's change feed: the redemption and earning, then what each refund reverses", async () => {
    const m = await member(500);
    const payment = await m.pay(1_000, 200, "feed-1");
    await world.services.payments.refundPayment(m.register, payment.id, null, 200); // a quarter of the 800 paid by card
    await world.services.payments.refundPayment(m.register, payment.id, null, null);
    expect(await m.feed()).toEqual([
      ["EARN", 500],
      ["REDEEM", -200],
      ["EARN", 80],
      ["RETURN", 50],
      ["TAKE_BACK", -20],
      ["RETURN", 150],
      ["TAKE_BACK", -60],
    ]);
    expect(await m.balance()).toBe(500);
  });

  it("reverses exactly what was moved when refunds of one payment race each other", async () => {
    const m = await member(500);
    const payment = await m.pay(1_000, 200, "refund-race-1");
    expect(await m.balance()).toBe(380);
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map(() => world.services.payments.refundPayment(m.register, payment.id, null, 200)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(4);
    expect(await m.settlement(payment)).toMatchObject({ pointsReturned: 200, pointsTakenBack: 80, shortfall: 0 });
    expect(await m.balance()).toBe(500);
  });

  it("does not combine points with a payment token the phone signed offline", async () => {
    const m = await member(500);
    const pay = world.services.payments.redeemCode(m.register, `${OFFLINE_TOKEN_PREFIX}any`, JPY(1_000), "offline-1", world.services.paymentPoints.requestFor({ memberCode: "0", redeemPoints: 100 }));
    await expect(pay).rejects.toMatchObject({ code: "BAD_USER_INPUT", details: { field: "memberCode" } });
    expect(await m.balance()).toBe(500);
  });

  it("redeems held points once when two payments of one member race for the same points", async () => {
    const m = await member(500);
    const outcomes = await Promise.allSettled([m.pay(1_000, 400, "race-a"), m.pay(1_000, 400, "race-b")]);
    const approved = outcomes.filter((o) => o.status === "fulfilled");
    expect(approved).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refused?.reason).toMatchObject({ code: "INSUFFICIENT_POINTS" });
    expect(await m.balance()).toBe(100 + 60);
  });
});
