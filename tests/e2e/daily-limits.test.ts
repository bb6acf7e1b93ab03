import { ManualClock } from "../../src/clock";
import type { WalletApiError } from "../../clients/common";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper } from "../support/world";

const yen = (amount: number) => ({ amount, currency: "JPY" });

async function refusal(attempt: Promise<unknown>): Promise<WalletApiError> {
  try {
    await attempt;
  } catch (error) {
    return error as WalletApiError;
  }
  throw new Error("expected the call to fail");
}

/**
 * Daily limits for payment codes: the customer's own day total and count, within the
 * operator's ceiling (DAILY_MAX_AMOUNT, DAILY_MAX_COUNT), each refusal naming its limit;
 * a payment that charged nothing gives its amount back; racing redeems cannot pass the
 * total together; a new day (DAILY_LIMIT_TIME_ZONE) starts from zero.
 */
describe.each(engines)("daily limits for payment codes (%s)", (engine) => {
  let server: TestServer;
  let register: Awaited<ReturnType<typeof newRegister>>["register"];
  const clock = new ManualClock(new Date("2027-03-10T10:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { DAILY_MAX_AMOUNT: "5000", DAILY_MAX_COUNT: "6", DAILY_LIMIT_TIME_ZONE: "Asia/Tokyo" } });
    ({ register } = await newRegister(server.url));
  });
  afterAll(() => server.close());

  const pay = async (shopper: Awaited<ReturnType<typeof newShopper>>, amount: number, key: string) =>
    register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, yen(amount), key);

  it("sets the customer's own limits within the ceiling, with the password", async () => {
    const shopper = await newShopper(server.url);
    expect(await shopper.phone.dailyLimits()).toEqual({
      maxAmount: null,
      maxCount: null,
      ceilingAmount: 5000,
      ceilingCount: 6,
      day: "2027-03-10",
      timeZone: "Asia/Tokyo",
      spentToday: 0,
      paymentsToday: 0,
    });
    expect(await errorCodeOf(shopper.phone.setDailyLimits(5001, null, PASSWORD))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(shopper.phone.setDailyLimits(null, 7, PASSWORD))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(shopper.phone.setDailyLimits(1000, 2, "not the password"))).toBe("INVALID_PASSWORD");
    expect(await shopper.phone.setDailyLimits(1000, 2, PASSWORD)).toMatchObject({ maxAmount: 1000, maxCount: 2 });
    expect(await shopper.phone.dailyLimits()).toMatchObject({ maxAmount: 1000, maxCount: 2, spentToday: 0 });
  });

  it("refuses a sale over the customer's day total, leaving the code for a smaller one", async () => {
    const shopper = await newShopper(server.url);
    await shopper.phone.setDailyLimits(1000, null, PASSWORD);
    expect(await pay(shopper, 600, "dl-a1")).toMatchObject({ status: "APPROVED" });
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const over = await refusal(register.redeemCode(code, yen(500), "dl-a2"));
    expect([over.code, over.extensions]).toEqual(["DAILY_AMOUNT_LIMIT", expect.objectContaining({ dailyMaxAmount: 1000, setBy: "CUSTOMER" })]);
    expect(await register.redeemCode(code, yen(400), "dl-a3")).toMatchObject({ status: "APPROVED" });
    expect(await shopper.phone.dailyLimits()).toMatchObject({ spentToday: 1000, paymentsToday: 2 });
  });

  it("refuses the payment past the customer's count, and past the operator's total", async () => {
    const counted = await newShopper(server.url);
    await counted.phone.setDailyLimits(null, 2, PASSWORD);
    await pay(counted, 100, "dl-c1");
    await pay(counted, 100, "dl-c2");
    const third = await refusal(pay(counted, 100, "dl-c3"));
    expect([third.code, third.extensions]).toEqual(["DAILY_COUNT_LIMIT", expect.objectContaining({ dailyMaxCount: 2, setBy: "CUSTOMER" })]);

    const unlimited = await newShopper(server.url);
    expect(await pay(unlimited, 3000, "dl-o1")).toMatchObject({ status: "APPROVED" });
    const over = await refusal(pay(unlimited, 2500, "dl-o2"));
    expect([over.code, over.extensions]).toEqual(["DAILY_AMOUNT_LIMIT", expect.objectContaining({ dailyMaxAmount: 5000, setBy: "OPERATOR" })]);
  });

  it("gives back what a declined payment and a voided one took", async () => {
    const declined = await newShopper(server.url, TEST_CARDS.declined);
    await declined.phone.setDailyLimits(1000, null, PASSWORD);
    expect(await pay(declined, 900, "dl-d1")).toMatchObject({ status: "DECLINED" });
    expect(await declined.phone.dailyLimits()).toMatchObject({ spentToday: 0, paymentsToday: 0 });

    const voided = await newShopper(server.url);
    await voided.phone.setDailyLimits(1000, null, PASSWORD);
    const paid = await pay(voided, 900, "dl-v1");
    expect(await voided.phone.dailyLimits()).toMatchObject({ spentToday: 900, paymentsToday: 1 });
    await register.voidPayment(paid.id);
    expect(await voided.phone.dailyLimits()).toMatchObject({ spentToday: 0, paymentsToday: 0 });
    expect(await pay(voided, 1000, "dl-v2")).toMatchObject({ status: "APPROVED" });
  });

  it("counts a payment waiting for the phone, and gives it back when the customer says no", async () => {
    const shopper = await newShopper(server.url);
    await shopper.phone.setDailyLimits(1000, null, PASSWORD);
    await shopper.phone.setConfirmAbove(500);
    const waiting = await pay(shopper, 800, "dl-w1");
    expect(waiting.status).toBe("PENDING_CONFIRMATION");
    expect(await shopper.phone.dailyLimits()).toMatchObject({ spentToday: 800, paymentsToday: 1 });
    expect(await errorCodeOf(pay(shopper, 300, "dl-w2"))).toBe("DAILY_AMOUNT_LIMIT");
    const [request] = await shopper.phone.pendingConfirmations();
    expect(await shopper.phone.respondToConfirmation(request.id, false, PASSWORD)).toMatchObject({ status: "REJECTED_BY_CUSTOMER" });
    expect(await shopper.phone.dailyLimits()).toMatchObject({ spentToday: 0, paymentsToday: 0 });
    expect(await pay(shopper, 300, "dl-w3")).toMatchObject({ status: "APPROVED" });
  });

  it("lets only the redeems within the total through when they race", async () => {
    const shopper = await newShopper(server.url);
    await shopper.phone.setDailyLimits(1000, null, PASSWORD);
    const codes = await Promise.all([1, 2, 3, 4, 5].map(() => shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)));
    const results = await Promise.allSettled(codes.map(({ code }, i) => register.redeemCode(code, yen(300), `dl-race-${i}`)));
    const approved = results.filter((r) => r.status === "fulfilled" && r.value.status === "APPROVED");
    const refused = results.filter((r) => r.status === "rejected").map((r) => ((r as PromiseRejectedResult).reason as WalletApiError).code);
    expect(approved).toHaveLength(3);
    expect(refused).toEqual(["DAILY_AMOUNT_LIMIT", "DAILY_AMOUNT_LIMIT"]);
    expect(await shopper.phone.dailyLimits()).toMatchObject({ spentToday: 900, paymentsToday: 3 });
  });

  it("starts a new day at midnight in the configured time zone", async () => {
    clock.set(new Date("2027-03-11T14:00:00Z")); // 23:00 in Tokyo
    const shopper = await newShopper(server.url);
    await shopper.phone.setDailyLimits(500, null, PASSWORD);
    await pay(shopper, 500, "dl-n1");
    expect(await errorCodeOf(pay(shopper, 1, "dl-n2"))).toBe("DAILY_AMOUNT_LIMIT");
    clock.set(new Date("2027-03-11T15:00:00Z")); // midnight in Tokyo
    expect(await shopper.phone.dailyLimits()).toMatchObject({ day: "2027-03-12", spentToday: 0, paymentsToday: 0 });
    expect(await pay(shopper, 500, "dl-n3")).toMatchObject({ status: "APPROVED" });
  });
});
