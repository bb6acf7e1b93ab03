import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver, type ReceivedWebhook } from "../support/webhook-receiver";
import { PASSWORD, TEST_CARDS, errorCodeOf, newShopper } from "../support/world";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A store's day in its own time zone: the bills it collected on a date (its cash
 * hand-over), a mistaken collection reversed the same day, the store's back office told
 * by signed webhooks, and bill codes that last until the bill is due.
 */
describe.each(engines)("a store's day with bills (%s)", (engine) => {
  let server: TestServer;
  let storeHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let billerHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  // 23:30 in Tokyo on 24 November; 14:30 UTC.
  const clock = new ManualClock(new Date("2026-11-24T14:30:00Z"));
  beforeAll(async () => {
    [storeHooks, billerHooks] = [await startWebhookReceiver(), await startWebhookReceiver()];
    storeHooks.up();
    billerHooks.up();
    server = await startTestServer(engine, { clock, env: { OUTBOX_POLL_MS: "3600000", SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all([storeHooks.close(), billerHooks.close()]);
  });

  const admin = () => new AdminClient(server.url, ADMIN_TOKEN);
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const bodies = (hooks: ReceivedWebhook[]) => hooks.map((hook) => JSON.parse(hook.body) as { type: string; data: Record<string, unknown> });

  async function storeIn(timeZone: string, webhookUrl?: string) {
    const store = await admin().createStore("Lawson Shinjuku", "JPY", undefined, { timeZone, webhookUrl });
    return { store, register: new RegisterClient(server.url, (await admin().issueApiKey("REGISTER", store.id)).key) };
  }

  it("lists the bills collected on a date of the store's zone, reverses one only that day, and tells the biller and the store", async () => {
    const { store, register } = await storeIn("Asia/Tokyo", storeHooks.url);
    expect(store).toMatchObject({ timeZone: "Asia/Tokyo", webhookSecret: expect.stringMatching(/^whsec_/) });
    const other = await storeIn("Asia/Tokyo");
    const partner = await admin().createPartner("Tokyo Water", billerHooks.url);
    const biller = new PartnerClient(server.url, (await admin().issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url);
    const post = (reference: string) => biller.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 3_300, currency: "JPY", dueDate: at(10 * DAY) });
    const codeOf = async (billId: string) => (await shopper.phone.issueBillCode(billId, PASSWORD)).code;
    const [late, early] = [await post("W-24"), await post("W-25")];

    await register.collectBill(await codeOf(late.id), "CASH", "c-24"); // 23:30 on the 24th in Tokyo
    clock.advance(HOUR); // 00:30 on the 25th in Tokyo; still the 24th in UTC
    await register.collectBill(await codeOf(early.id), "CASH", "c-25");
    expect((await register.collectedBills("2026-11-24")).map((b) => [b.reference, b.tender])).toEqual([["W-24", "CASH"]]);
    expect((await register.collectedBills("2026-11-25")).map((b) => b.reference)).toEqual(["W-25"]);
    expect(await other.register.collectedBills("2026-11-25")).toEqual([]);

    // Yesterday's collection (in Tokyo) is closed; another store cannot even see this one.
    expect(await errorCodeOf(register.reverseBillCollection(late.id, "r-24"))).toBe("BILL_NOT_PAYABLE");
    expect(await errorCodeOf(other.register.reverseBillCollection(early.id, "r-other"))).toBe("NOT_FOUND");
    const reopened = await register.reverseBillCollection(early.id, "r-25");
    expect(reopened).toMatchObject({ status: "OPEN", paidAt: null, paidAtStore: null, tender: null });
    expect(await register.reverseBillCollection(early.id, "r-25")).toMatchObject({ status: "OPEN" }); // the same request again
    // Once reversed, the bill is no collection of this store's any more.
    expect(await errorCodeOf(register.reverseBillCollection(early.id, "r-25-again"))).toBe("NOT_FOUND");
    expect(await register.collectedBills("2026-11-25")).toEqual([]);
    // Payable again, at any store.
    expect(await other.register.collectBill(await codeOf(early.id), "CASH", "c-25-again")).toMatchObject({ status: "PAID", paidAtStore: "Lawson Shinjuku" });

    await server.app.services.outbox.drain();
    expect(bodies(billerHooks.delivered).map((b) => [b.type, b.data.reference, (b.data.store as { id: string }).id])).toEqual([
      ["bill.paid", "W-24", store.id],
      ["bill.paid", "W-25", store.id],
      ["bill.reversed", "W-25", store.id],
      ["bill.paid", "W-25", other.store.id],
    ]);
    // The store with a webhook hears its own collections and reversal only, signed with its own secret.
    expect(bodies(storeHooks.delivered).map((b) => [b.type, b.data.reference, b.data.tender])).toEqual([
      ["bill.collected", "W-24", "CASH"],
      ["bill.collected", "W-25", "CASH"],
      ["bill.reversed", "W-25", null],
    ]);
    // A reversal's data is the bill as it is after it, OPEN; the collection it undid is named apart.
    const reversal = bodies(storeHooks.delivered).find((b) => b.type === "bill.reversed")!;
    expect(reversal.data).toMatchObject({ status: "OPEN", paidAt: null, paidAtStore: null, reversedCollection: { tender: "CASH", paidAtStore: "Lawson Shinjuku" } });
    for (const hook of storeHooks.delivered) {
      const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
      expect(verifyWebhook(store.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(true);
      expect(verifyWebhook(partner.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(false);
    }
    // Never the customer's phone number.
    for (const hook of [...storeHooks.delivered, ...billerHooks.delivered]) expect(hook.body).not.toContain(shopper.phoneNumber.slice(1));
  });

  it("makes a bill code that lasts until the bill is due, up to 60 days", async () => {
    const partner = await admin().createPartner("Tokyo Gas");
    const biller = new PartnerClient(server.url, (await admin().issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url);
    const soon = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "G-1", amount: 100, currency: "JPY", dueDate: at(10 * DAY) });
    const far = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "G-2", amount: 100, currency: "JPY", dueDate: at(90 * DAY) });
    expect((await shopper.phone.issueBillCode(soon.id, PASSWORD)).expiresAt).toBe(soon.dueDate);
    expect((await shopper.phone.issueBillCode(far.id, PASSWORD)).expiresAt).toBe(at(60 * DAY));
  });

  it("refuses a time zone that is not one, and a date that is not one", async () => {
    expect(await errorCodeOf(admin().createStore("Nowhere", "JPY", undefined, { timeZone: "Mars/Olympus" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(admin().createStore("Hooked", "JPY", undefined, { webhookUrl: "ftp://example.com" }))).toBe("BAD_USER_INPUT");
    const { register, store } = await storeIn("Europe/London");
    expect(store).toMatchObject({ timeZone: "Europe/London", webhookSecret: null });
    for (const date of ["2026-13-01", "yesterday", "2026-11-25T00:00:00Z"]) expect(await errorCodeOf(register.collectedBills(date))).toBe("BAD_USER_INPUT");
  });

  it("sums a Tokyo store's day from its own rows: sales, a refund of yesterday's sale, a void, bills in cash and points", async () => {
    const partner = await admin().createPartner("Lawson HQ");
    const program = await admin().createProgram({ name: "Ponta", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin().createStore("Lawson Ebisu", "JPY", program.id, { timeZone: "Asia/Tokyo" });
    const register = new RegisterClient(server.url, (await admin().issueApiKey("REGISTER", store.id)).key);
    const biller = new PartnerClient(server.url, (await admin().issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url);
    await shopper.phone.joinProgram(program.id);
    const pay = async (amount: number, key: string) =>
      register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount, currency: "JPY" }, key);

    clock.set(new Date("2026-12-01T14:40:00Z")); // 23:40 on 1 December in Tokyo
    const yesterdays = await pay(1_000, "sale-1");
    clock.advance(HOUR); // 00:40 on 2 December in Tokyo; still 1 December in UTC
    const today = await pay(2_000, "sale-2");
    const voided = await pay(500, "sale-3");
    await register.voidPayment(voided.id, "void-3");
    await register.refundPayment(yesterdays.id, "refund-1");
    const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "R-1", amount: 3_300, currency: "JPY", dueDate: at(10 * DAY) });
    await register.collectBill((await shopper.phone.issueBillCode(bill.id, PASSWORD)).code, "CASH", "bill-1");
    const memberCode = async () => (await shopper.phone.issueMemberCode(program.id, PASSWORD)).code;
    await register.settlePoints(await memberCode(), 12_300, 0, "points-1"); // earns 123
    await register.settlePoints(await memberCode(), 1_000, 50, "points-2"); // redeems 50, earns 9

    expect(await register.storeReport("2026-12-01")).toEqual({
      date: "2026-12-01",
      currency: "JPY",
      paymentsApproved: 1,
      amountApproved: 1_000,
      amountRefunded: 0,
      amountVoided: 0,
      billsCollected: 0,
      cashCollected: 0,
      pointsIssued: 0,
      pointsRedeemed: 0,
      pointsReturned: 0,
      pointsTakenBack: 0,
    });
    const report = await register.storeReport("2026-12-02");
    expect(report).toEqual({
      date: "2026-12-02",
      currency: "JPY",
      paymentsApproved: 2,
      amountApproved: 2_500,
      amountRefunded: 1_000, // today's refund of yesterday's sale
      amountVoided: 500,
      billsCollected: 1,
      cashCollected: 3_300,
      pointsIssued: 132,
      pointsRedeemed: 50,
      pointsReturned: 0,
      pointsTakenBack: 0,
    });
    // The figures are the store's own rows: its payments list agrees.
    const payments = (await register.payments()).nodes;
    expect(payments.filter((p) => p.id !== yesterdays.id).reduce((sum, p) => sum + p.amount, 0)).toBe(report.amountApproved);
    expect(payments.find((p) => p.id === today.id)?.status).toBe("APPROVED");
    expect(await errorCodeOf(register.storeReport("02/12/2026"))).toBe("BAD_USER_INPUT");
  });

  it("reports a refund's point reversals apart, never as points issued or redeemed", async () => {
    const partner = await admin().createPartner("Sunshine HQ");
    const program = await admin().createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.1, pointValue: 1, expiryDays: 365 });
    const store = await admin().createStore("Sunshine Ebisu", "JPY", program.id, { timeZone: "Asia/Tokyo" });
    const register = new RegisterClient(server.url, (await admin().issueApiKey("REGISTER", store.id)).key);
    const shopper = await newShopper(server.url);
    await shopper.phone.joinProgram(program.id);
    const memberCode = async () => (await shopper.phone.issueMemberCode(program.id, PASSWORD)).code;

    clock.set(new Date("2026-12-09T01:00:00Z")); // 10:00 on 9 December in Tokyo
    await register.settlePoints(await memberCode(), 5_000, 0, "earn-500"); // earns 500
    const payCode = (await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code;
    const payment = await register.redeemCode(payCode, { amount: 1_000, currency: "JPY" }, "with-points", { memberCode: await memberCode(), redeemPoints: 200 });
    expect(payment.points).toMatchObject({ pointsRedeemed: 200, pointsEarned: 80 });
    const refunded = await register.refundPayment(payment.id, "refund-all");
    expect(refunded.points).toMatchObject({ pointsReturned: 200, pointsTakenBack: 80 });

    expect(await register.storeReport("2026-12-09")).toMatchObject({
      paymentsApproved: 1,
      amountApproved: 800,
      amountRefunded: 800,
      pointsIssued: 580, // 500 for the cash purchase, 80 with the payment
      pointsRedeemed: 200,
      pointsReturned: 200,
      pointsTakenBack: 80,
    });
  });

  it("tells a store's back office of its payments by signed webhooks: approved, declined, voided, refunded; never the phone or the card number", async () => {
    const before = storeHooks.delivered.length;
    const { store, register } = await storeIn("Asia/Tokyo", storeHooks.url);
    const quiet = await storeIn("UTC"); // no webhook: nothing is sent for it
    const shopper = await newShopper(server.url);
    const declinedShopper = await newShopper(server.url, TEST_CARDS.declined);
    const pay = async (who: typeof shopper, r: typeof register, amount: number, key: string) =>
      r.redeemCode((await who.phone.issuePaymentCode(who.card.id, PASSWORD)).code, { amount, currency: "JPY" }, key);

    const sale = await pay(shopper, register, 1_000, "w-sale");
    const declined = await pay(declinedShopper, register, 700, "w-declined");
    expect(declined.status).toBe("DECLINED");
    const voided = await pay(shopper, register, 300, "w-void");
    await register.voidPayment(voided.id, "w-void-1");
    await register.refundPayment(sale.id, "w-refund-1", 400);
    await pay(shopper, quiet.register, 500, "w-quiet");
    await server.app.services.outbox.drain();

    const mine = storeHooks.delivered.slice(before).filter((hook) => (JSON.parse(hook.body) as { data: { id?: string } }).data.id !== undefined);
    const events = mine.map((hook) => JSON.parse(hook.body) as { type: string; data: Record<string, unknown> });
    expect(events.map((e) => [e.type, e.data.id, e.data.status])).toEqual([
      ["payment.approved", sale.id, "APPROVED"],
      ["payment.declined", declined.id, "DECLINED"],
      ["payment.approved", voided.id, "APPROVED"],
      ["payment.voided", voided.id, "VOIDED"],
      ["payment.refunded", sale.id, "PARTIALLY_REFUNDED"],
    ]);
    expect(events[4].data).toMatchObject({ refundedAmount: 400, refund: { amount: 400 }, customerNumber: sale.customerNumber, card: { last4: "4242" } });
    for (const hook of mine) {
      const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
      expect(verifyWebhook(store.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(true);
      expect(hook.body).not.toContain(shopper.phoneNumber.slice(1));
      expect(hook.body).not.toContain(TEST_CARDS.visa);
    }
  });
});
