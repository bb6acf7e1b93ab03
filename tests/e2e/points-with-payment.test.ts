import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newShopper } from "../support/world";

// The rules that need the clock or the inside of the server (a crash's recovery, expiry,
// a void, the change feed) are tests/service/points-with-payment.test.ts.
describe.each(engines)("points with the payment, in one step, through the clients (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  /** A store group: 10 points per 100 yen paid, 1 yen a point; a store of it with a register. */
  async function storeGroup() {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.1, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    return { program, register };
  }

  /** A member with a card (`pan`) and `points` in the balance, earned by a cash purchase. */
  async function member(group: Awaited<ReturnType<typeof storeGroup>>, points: number, pan = TEST_CARDS.visa) {
    const shopper = await newShopper(server.url, pan);
    await shopper.phone.joinProgram(group.program.id);
    const memberCode = async () => (await shopper.phone.issueMemberCode(group.program.id, PASSWORD)).code;
    const payCode = async () => (await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code;
    if (points > 0) await group.register.settlePoints(await memberCode(), points * 10, 0, `cash-${shopper.phoneNumber}`);
    const balance = async () => (await shopper.phone.memberships())[0].points;
    expect(await balance()).toBe(points);
    return { ...shopper, memberCode, payCode, balance };
  }

  const JPY = (amount: number) => ({ amount, currency: "JPY" });

  it("redeems points as money off, charges the card the rest, and earns on what the card paid", async () => {
    const group = await storeGroup();
    const m = await member(group, 500);
    const [payCode, memberCode] = [await m.payCode(), await m.memberCode()];
    const payment = await group.register.redeemCode(payCode, JPY(1_000), "with-points-1", { memberCode, redeemPoints: 200 });
    expect(payment).toMatchObject({
      status: "APPROVED",
      amount: 800,
      points: { discount: 200, pointsRedeemed: 200, pointsEarned: 80, shortfall: 0, membership: { points: 380 } },
    });
    expect(await m.balance()).toBe(380);
    expect((await m.phone.payment(payment.id))?.points).toMatchObject({ pointsRedeemed: 200, pointsEarned: 80 });
    // The same request under the same key replays; another number of points under it is a conflict.
    expect(await group.register.redeemCode(payCode, JPY(1_000), "with-points-1", { memberCode, redeemPoints: 200 })).toEqual(payment);
    expect(await errorCodeOf(group.register.redeemCode(payCode, JPY(1_000), "with-points-1", { memberCode, redeemPoints: 100 }))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await m.balance()).toBe(380);
  });

  it("moves no points when the card is declined", async () => {
    const group = await storeGroup();
    const m = await member(group, 500, TEST_CARDS.declined);
    const memberCode = await m.memberCode();
    const payment = await group.register.redeemCode(await m.payCode(), JPY(1_000), "declined-1", { memberCode, redeemPoints: 300 });
    expect(payment).toMatchObject({ status: "DECLINED", declineReason: "card_declined", points: { pointsRedeemed: 0, pointsEarned: 0, discount: 0 } });
    expect(await m.balance()).toBe(500);
    expect(await errorCodeOf(group.register.settlePoints(memberCode, 100, 0, "declined-again"))).toBe("CODE_ALREADY_USED");
  });

  it("holds the points while the phone is asked, and gives them back when the customer rejects", async () => {
    const group = await storeGroup();
    const m = await member(group, 500);
    await m.phone.setConfirmAbove(100);
    const pending = await group.register.redeemCode(await m.payCode(), JPY(1_000), "asked-1", { memberCode: await m.memberCode(), redeemPoints: 300 });
    expect(pending).toMatchObject({ status: "PENDING_CONFIRMATION", amount: 700, points: { pointsRedeemed: 300, pointsEarned: 0 } });
    expect(await m.balance()).toBe(200); // held: not to be spent twice meanwhile

    const [request] = await m.phone.pendingConfirmations();
    expect(request.payment).toMatchObject({ id: pending.id, amount: 700 });
    const rejected = await m.phone.respondToConfirmation(request.id, false, PASSWORD);
    expect(rejected).toMatchObject({ status: "REJECTED_BY_CUSTOMER", points: { pointsRedeemed: 0, pointsEarned: 0 } });
    expect(await m.balance()).toBe(500);
  });

  it("settles the held points when the customer approves on the phone", async () => {
    const group = await storeGroup();
    const m = await member(group, 500);
    await m.phone.setConfirmAbove(100);
    const pending = await group.register.redeemCode(await m.payCode(), JPY(1_000), "asked-2", { memberCode: await m.memberCode(), redeemPoints: 300 });
    const [request] = await m.phone.pendingConfirmations();
    expect(request.payment.id).toBe(pending.id);
    const approved = await m.phone.respondToConfirmation(request.id, true, PASSWORD);
    expect(approved).toMatchObject({ status: "APPROVED", amount: 700, points: { pointsRedeemed: 300, pointsEarned: 70 } });
    expect(await m.balance()).toBe(270);
  });

  it("gives back redeemed points and takes back earned points in proportion to each refund", async () => {
    const group = await storeGroup();
    const m = await member(group, 500);
    const payment = await group.register.redeemCode(await m.payCode(), JPY(1_000), "refund-points-1", { memberCode: await m.memberCode(), redeemPoints: 200 });
    expect(payment.amount).toBe(800);
    expect(await m.balance()).toBe(380);

    const half = await group.register.refundPayment(payment.id, "refund-half", 400);
    expect(half).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 400, points: { pointsReturned: 100, pointsTakenBack: 40, shortfall: 0 } });
    expect(await m.balance()).toBe(380 + 100 - 40);

    const rest = await group.register.refundPayment(payment.id, "refund-rest");
    expect(rest).toMatchObject({ status: "REFUNDED", refundedAmount: 800, points: { pointsReturned: 200, pointsTakenBack: 80, shortfall: 0 } });
    expect(await m.balance()).toBe(500);
  });

  it("never takes the balance below zero: earned points already spent are recorded as the shortfall", async () => {
    const group = await storeGroup();
    const m = await member(group, 0);
    const payment = await group.register.redeemCode(await m.payCode(), JPY(1_000), "shortfall-1", { memberCode: await m.memberCode() });
    expect(payment.points).toMatchObject({ pointsEarned: 100, pointsRedeemed: 0 });
    // Spent at once, on a purchase paid all in points.
    await group.register.settlePoints(await m.memberCode(), 90, 90, "spend-all-but-10");
    expect(await m.balance()).toBe(10);

    const refunded = await group.register.refundPayment(payment.id, "shortfall-refund", 600);
    expect(refunded.points).toMatchObject({ pointsTakenBack: 10, shortfall: 50, pointsReturned: 0 });
    expect(await m.balance()).toBe(0);
    const rest = await group.register.refundPayment(payment.id, "shortfall-rest");
    expect(rest.points).toMatchObject({ pointsTakenBack: 10, shortfall: 90 });
    expect(await m.balance()).toBe(0);
  });

  it("refuses points worth the whole sale, more points than the balance and another customer's member code, using no code", async () => {
    const group = await storeGroup();
    const m = await member(group, 500);
    const other = await member(group, 500);
    const [payCode, memberCode] = [await m.payCode(), await m.memberCode()];
    const attempt = (code: string, amount: number, redeemPoints: number, key: string) =>
      group.register.redeemCode(payCode, JPY(amount), key, { memberCode: code, redeemPoints });
    await expect(attempt(memberCode, 400, 400, "whole")).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/settlePoints/) });
    expect(await errorCodeOf(attempt(memberCode, 1_000, 600, "too-many"))).toBe("INSUFFICIENT_POINTS");
    await expect(attempt(await other.memberCode(), 1_000, 100, "not-mine")).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/different customers/) });
    expect(await errorCodeOf(group.register.redeemCode(payCode, JPY(1_000), "no-member", { memberCode: "", redeemPoints: 0 }))).toBe("CODE_INVALID");

    // Nothing was used or moved by the refusals: the same codes pay now.
    expect(await attempt(memberCode, 1_000, 100, "fine")).toMatchObject({ status: "APPROVED", amount: 900, points: { pointsEarned: 90 } });
    expect([await m.balance(), await other.balance()]).toEqual([490, 500]);
  });
});
