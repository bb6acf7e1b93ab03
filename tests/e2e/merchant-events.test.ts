import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Through the public API and the clients: a store's back office and a biller catch up on
 * the webhooks they were sent (each event's body is the webhook's, byte for byte), have
 * one sent again, search their payments and bills, and the store reads and exports its
 * payouts; bill.overdue reaches the biller once.
 */
describe.each(engines)("events, searches and payouts over the API (%s)", (engine) => {
  let server: TestServer;
  let storeHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let billerHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  // 23:30 in Tokyo on 24 November.
  const clock = new ManualClock(new Date("2026-11-24T14:30:00Z"));
  beforeAll(async () => {
    [storeHooks, billerHooks] = [await startWebhookReceiver(), await startWebhookReceiver()];
    storeHooks.up();
    billerHooks.up();
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000", RETENTION_SWEEP_MS: "3600000" } });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all([storeHooks.close(), billerHooks.close()]);
  });

  const admin = () => new AdminClient(server.url, ADMIN_TOKEN);

  it("gives a store its webhooks again as events, each body the webhook's own, and sends one again on request", async () => {
    const store = await admin().createStore("Lawson Shinjuku", "JPY", undefined, { timeZone: "Asia/Tokyo", webhookUrl: storeHooks.url });
    const register = new RegisterClient(server.url, (await admin().issueApiKey("REGISTER", store.id)).key);
    const otherStore = await admin().createStore("Lawson Ikebukuro", "JPY", undefined, { webhookUrl: storeHooks.url });
    const other = new RegisterClient(server.url, (await admin().issueApiKey("REGISTER", otherStore.id)).key);
    const shopper = await newShopper(server.url);
    const pay = async (amount: number, reference: string) =>
      register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount, currency: "JPY", reference }, reference);

    const first = await pay(1_200, "R-1");
    clock.advance(HOUR); // 00:30 on the 25th in Tokyo
    const second = await pay(800, "R-2");
    await register.refundPayment(first.id, "refund-1", 200);
    await register.voidPayment(second.id, "void-2");
    await server.app.services.outbox.drain();
    // At least once: a receiver deduplicates on the event id (the manual clock's hour may run a lease out).
    const deliveredIds = () => new Set(storeHooks.delivered.map((hook) => String(hook.headers["x-wallet-event-id"])));
    expect(await eventually(() => deliveredIds().size === 4)).toBe(true);

    const events = await register.events();
    expect(events.nodes.map((e) => e.type)).toEqual(["payment.voided", "payment.refunded", "payment.approved", "payment.approved"]);
    // Byte for byte what the receiver was sent, and signed as it was.
    const received = new Map(storeHooks.delivered.map((hook) => [String(hook.headers["x-wallet-event-id"]), hook]));
    for (const event of events.nodes) {
      const hook = received.get(event.id)!;
      expect(hook.body).toBe(event.body);
      const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
      expect(verifyWebhook(store.webhookSecret!, headers, event.body, Number(headers.timestamp))).toBe(true);
    }
    expect((await register.events({ types: ["payment.refunded"] })).nodes.map((e) => JSON.parse(e.body).data.refund)).toEqual([{ amount: 200 }]);
    const page = await register.events({ first: 3 });
    expect((await register.events({ first: 3, after: page.nextCursor! })).nodes.map((e) => e.id)).toEqual([events.nodes[3].id]);
    expect((await other.events()).nodes).toEqual([]);

    // Sent again: the same id and body, signed anew.
    const deliveriesOf = (id: string) => storeHooks.delivered.filter((hook) => hook.headers["x-wallet-event-id"] === id);
    const before = deliveriesOf(events.nodes[2].id).length;
    const again = await register.redeliverEvent(events.nodes[2].id);
    expect(again).toEqual(events.nodes[2]);
    await server.app.services.outbox.drain();
    expect(await eventually(() => deliveriesOf(events.nodes[2].id).length > before)).toBe(true);
    for (const hook of deliveriesOf(events.nodes[2].id)) expect(hook.body).toBe(events.nodes[2].body);
    expect(await errorCodeOf(other.redeliverEvent(events.nodes[2].id))).toBe("NOT_FOUND");

    // The register's search: by reference, by status, by amount and by time.
    expect((await register.searchPayments({ reference: "R-2" })).nodes.map((p) => [p.id, p.status])).toEqual([[second.id, "VOIDED"]]);
    expect((await register.searchPayments({ statuses: ["PARTIALLY_REFUNDED"] })).nodes.map((p) => p.id)).toEqual([first.id]);
    expect((await register.searchPayments({ minAmount: 1_000 })).nodes.map((p) => p.id)).toEqual([first.id]);
    expect((await register.searchPayments({ from: new Date(clock.now().getTime() - 1_000).toISOString() })).nodes.map((p) => p.id)).toEqual([second.id]);
    const one = await register.searchPayments({}, 1);
    expect((await register.searchPayments({}, 1, one.nextCursor!)).nodes.map((p) => p.id)).toEqual([first.id]);
    expect((await other.searchPayments({ reference: "R-2" })).nodes).toEqual([]);

    // Payouts by the store's days: the first sale on the 24th, the rest on the 25th.
    expect(await register.storePayouts("2026-11-24", "2026-11-25")).toEqual([
      { date: "2026-11-24", institution: "Test Card Co.", currency: "JPY", sales: 1, amountApproved: 1_200, amountRefunded: 0, amountVoided: 0, net: 1_200 },
      { date: "2026-11-25", institution: "Test Card Co.", currency: "JPY", sales: 1, amountApproved: 800, amountRefunded: 200, amountVoided: 800, net: -200 },
    ]);
    expect(await register.storePayoutsExport("2026-11-24", "2026-11-25", "CSV")).toBe(
      "date,institution,currency,sales,amountApproved,amountRefunded,amountVoided,net\n" +
        "2026-11-24,Test Card Co.,JPY,1,1200,0,0,1200\n" +
        "2026-11-25,Test Card Co.,JPY,1,800,200,800,-200\n",
    );
    expect(JSON.parse(await admin().storePayoutsExport(store.id, "2026-11-25", "2026-11-25", "JSON"))).toEqual([expect.objectContaining({ net: -200 })]);
    expect(await errorCodeOf(shopper.phone.request("query { storePayouts(from: \"2026-11-24\", to: \"2026-11-25\") { net } }"))).toBe("FORBIDDEN");
  });

  it("tells a biller bill.overdue once, lists it with its other events, and finds its bills", async () => {
    const partner = await admin().createPartner("Tokyo Water", billerHooks.url);
    const biller = new PartnerClient(server.url, (await admin().issueApiKey("PARTNER", partner.id)).key);
    const stranger = new PartnerClient(server.url, (await admin().issueApiKey("PARTNER", (await admin().createPartner("Osaka Water")).id)).key);
    const shopper = await newShopper(server.url);
    const due = new Date(clock.now().getTime() + DAY).toISOString();
    const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "W-1", amount: 3_300, currency: "JPY", dueDate: due });
    await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "W-2", amount: 5_000, currency: "JPY", dueDate: new Date(clock.now().getTime() + 10 * DAY).toISOString() });
    clock.advance(DAY + 1);
    // Two sweeps at once, as two instances would: one tells.
    const told = await Promise.all([server.app.services.overdueSweep.sweep(), server.app.services.overdueSweep.sweep()]);
    expect(told[0] + told[1]).toBe(1);
    await server.app.services.outbox.drain();
    expect(await eventually(() => billerHooks.delivered.length >= 1)).toBe(true);
    expect(new Set(billerHooks.delivered.map((h) => h.body)).size).toBe(1);
    expect(JSON.parse(billerHooks.delivered[0].body).type).toBe("bill.overdue");

    const events = await biller.events({ types: ["bill.overdue"] });
    expect(events.nodes).toHaveLength(1);
    expect(events.nodes[0].body).toBe(billerHooks.delivered[0].body);
    expect(JSON.parse(events.nodes[0].body).data).toMatchObject({ id: bill.id, reference: "W-1", status: "OVERDUE" });
    expect((await stranger.events()).nodes).toEqual([]);
    expect(await errorCodeOf(stranger.redeliverEvent(events.nodes[0].id))).toBe("NOT_FOUND");

    expect((await biller.searchBills({ status: "OVERDUE" })).nodes.map((b) => b.reference)).toEqual(["W-1"]);
    expect((await biller.searchBills({ status: "OPEN" })).nodes.map((b) => b.reference)).toEqual(["W-2"]);
    expect((await biller.searchBills({ reference: "W-2" })).nodes.map((b) => b.amount)).toEqual([5_000]);
    const page = await biller.searchBills({}, 1);
    expect(page.nodes.map((b) => b.reference)).toEqual(["W-2"]);
    expect((await biller.searchBills({}, 1, page.nextCursor!)).nodes.map((b) => b.reference)).toEqual(["W-1"]);
    expect((await stranger.searchBills({})).nodes).toEqual([]);

    // The same partner as a ticket shop: its tickets by issue number and by status.
    const doors = new Date(clock.now().getTime() + 30 * DAY);
    const concert = await biller.createEvent({ title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: doors.toISOString(), startsAt: new Date(doors.getTime() + HOUR).toISOString() });
    for (const issueNumber of ["T-1", "T-2"]) await biller.postTicket({ eventId: concert.id, issueNumber, holderPhone: shopper.phoneNumber });
    await biller.revokeTicket("T-2");
    expect((await biller.searchTickets({ issueNumber: "T-1" })).nodes.map((t) => [t.issueNumber, t.event.title])).toEqual([["T-1", "Winter Live"]]);
    expect((await biller.searchTickets({ status: "REVOKED" })).nodes.map((t) => t.issueNumber)).toEqual(["T-2"]);
    expect((await stranger.searchTickets({})).nodes).toEqual([]);
  });
});
