import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const DAY = 86_400_000;

// Payability, idempotency and the collection race are tests/service/bills.test.ts.
describe.each(engines)("bills paid in cash at a store (%s)", (engine) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const clock = new ManualClock(new Date("2026-11-24T10:00:00Z"));
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The outbox is driven by hand (drain) so retries follow the manual clock.
    server = await startTestServer(engine, { clock, env: { OUTBOX_POLL_MS: "3600000", SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function biller(webhookUrl?: string) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Power & Gas", webhookUrl);
    return { partner, client: new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key) };
  }

  const dueIn = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString();

  it("posts, lists, codes, looks up and collects a bill; the biller hears it live and by a signed webhook", async () => {
    const { partner, client } = await biller(receiver.url);
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url, "JPY", "FamilyMart Meguro");
    const bill = await client.postBill({
      customerPhone: shopper.phoneNumber,
      reference: "INV-2026-0001",
      amount: 8_640,
      currency: "JPY",
      dueDate: dueIn(10),
      description: "Electricity, October",
    });
    expect(bill).toMatchObject({ status: "OPEN", billerName: "Tokyo Power & Gas", paidAt: null });
    expect((await shopper.phone.bills()).map((b) => b.id)).toEqual([bill.id]);

    const receipts = client.billReceipts();
    await receipts.ready;
    try {
      const { code, expiresAt } = await shopper.phone.issueBillCode(bill.id, PASSWORD);
      expect(code).toMatch(/^\d{20}$/);
      expect(new Date(expiresAt).getTime()).toBeLessThanOrEqual(new Date(bill.dueDate).getTime());
      const seen = await register.lookupCode(code);
      expect(seen).toMatchObject({ kind: "BILL", bill: { reference: "INV-2026-0001", amount: 8_640, billerName: "Tokyo Power & Gas" } });

      const paid = await register.collectBill(code, "CASH", "collect-1");
      expect(paid).toMatchObject({ id: bill.id, status: "PAID", paidAtStore: "FamilyMart Meguro" });
      expect(paid.paidAt).not.toBeNull();
      expect(await register.collectBill(code, "CASH", "collect-1")).toMatchObject({ id: bill.id, status: "PAID" });

      const live = await receipts.next(1000);
      expect(live).toMatchObject({ id: bill.id, status: "PAID", paidAtStore: "FamilyMart Meguro" });
      expect((await client.bills("PAID")).map((b) => b.id)).toEqual([bill.id]);
    } finally {
      await client.live.close();
    }

    // The receiver is down for the first attempts, then up: delivered once, same event id.
    await server.app.services.outbox.drain();
    clock.advance(5_000);
    await server.app.services.outbox.drain();
    expect(receiver.delivered).toHaveLength(0);
    expect(receiver.attempts.length).toBeGreaterThanOrEqual(2);
    receiver.up();
    clock.advance(60_000);
    await server.app.services.outbox.drain();
    clock.advance(3_600_000);
    await server.app.services.outbox.drain();
    expect(receiver.delivered).toHaveLength(1);
    const eventIds = new Set(receiver.attempts.map((a) => a.headers["x-wallet-event-id"]));
    expect(eventIds.size).toBe(1);

    const [hook] = receiver.delivered;
    const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
    const now = Number(headers.timestamp); // as the receiver saw it, on arrival
    expect(verifyWebhook(partner.webhookSecret!, headers, hook.body, now)).toBe(true);
    expect(verifyWebhook(partner.webhookSecret!, headers, hook.body, now + 301)).toBe(false); // a replay, later
    expect(verifyWebhook(partner.webhookSecret!, headers, hook.body.replace("8640", "1"), now)).toBe(false);
    expect(verifyWebhook("whsec_someone-else", headers, hook.body, now)).toBe(false);
    expect(JSON.parse(hook.body)).toMatchObject({ type: "bill.paid", data: { reference: "INV-2026-0001", status: "PAID" } });
  });

  it("keeps bills to their biller and their customer", async () => {
    const mine = await biller();
    const theirs = await biller();
    const shopper = await newShopper(server.url);
    const stranger = await newShopper(server.url);
    const bill = await mine.client.postBill({ customerPhone: shopper.phoneNumber, reference: "OWN-1", amount: 100, currency: "JPY", dueDate: dueIn(5) });
    expect(await theirs.client.bills()).toEqual([]);
    expect(await errorCodeOf(theirs.client.cancelBill("OWN-1"))).toBe("NOT_FOUND");
    expect(await errorCodeOf(stranger.phone.issueBillCode(bill.id, PASSWORD))).toBe("NOT_FOUND");
    expect(await stranger.phone.bills()).toEqual([]);
    expect((await shopper.phone.bills()).map((b) => b.id)).toEqual([bill.id]);
  });
});
