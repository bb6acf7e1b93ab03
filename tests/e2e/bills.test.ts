import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/webhooks";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newRegister, newShopper, randomPhone } from "../support/world";

const DAY = 86_400_000;

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
    expect((await shopper.phone.bills("OPEN")).map((b) => b.id)).toEqual([bill.id]);
    expect(await shopper.phone.bills("PAID")).toEqual([]);

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
      expect((await shopper.phone.bills("PAID")).map((b) => b.id)).toEqual([bill.id]);
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
    expect(verifyWebhook(partner.webhookSecret, headers, hook.body, now)).toBe(true);
    expect(verifyWebhook(partner.webhookSecret, headers, hook.body, now + 301)).toBe(false); // a replay, later
    expect(verifyWebhook(partner.webhookSecret, headers, hook.body.replace("8640", "1"), now)).toBe(false);
    expect(verifyWebhook("whsec_someone-else", headers, hook.body, now)).toBe(false);
    expect(JSON.parse(hook.body)).toMatchObject({ type: "bill.paid", data: { reference: "INV-2026-0001", status: "PAID" } });
  });

  it("is idempotent on the reference, and refuses other content under it", async () => {
    const { client } = await biller();
    const input = { customerPhone: randomPhone(), reference: "ORD-77", amount: 1_500, currency: "JPY", dueDate: dueIn(3) };
    const first = await client.postBill(input);
    expect((await client.postBill(input)).id).toBe(first.id);
    expect(await errorCodeOf(client.postBill({ ...input, amount: 1_501 }))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await errorCodeOf(client.postBill({ ...input, reference: "ORD-78", customerPhone: "090-1234" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(client.postBill({ ...input, reference: "ORD-79", amount: -5 }))).toBe("BAD_USER_INPUT");
    expect((await client.bills()).map((b) => b.reference)).toEqual(["ORD-77"]);
  });

  it("will not collect a cancelled, overdue or already paid bill", async () => {
    const { client } = await biller();
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const post = (reference: string, days: number) =>
      client.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 500, currency: "JPY", dueDate: dueIn(days) });

    const cancelled = await post("C-1", 5);
    const cancelCode = (await shopper.phone.issueBillCode(cancelled.id, PASSWORD)).code;
    expect((await client.cancelBill("C-1")).status).toBe("CANCELLED");
    expect((await client.cancelBill("C-1")).status).toBe("CANCELLED");
    expect(await errorCodeOf(register.collectBill(cancelCode, "CASH", "c-1"))).toBe("BILL_NOT_PAYABLE");
    expect(await errorCodeOf(shopper.phone.issueBillCode(cancelled.id, PASSWORD))).toBe("BILL_NOT_PAYABLE");

    const late = await post("L-1", 1);
    const lateCode = (await shopper.phone.issueBillCode(late.id, PASSWORD)).code;
    clock.advance(2 * DAY);
    expect((await shopper.phone.bills("OVERDUE")).map((b) => b.id)).toEqual([late.id]);
    expect(await errorCodeOf(register.lookupCode(lateCode))).toBe("CODE_EXPIRED");
    expect(await errorCodeOf(shopper.phone.issueBillCode(late.id, PASSWORD))).toBe("BILL_NOT_PAYABLE");

    const paid = await post("P-1", 5);
    await register.collectBill((await shopper.phone.issueBillCode(paid.id, PASSWORD)).code, "CASH", "p-1");
    expect(await errorCodeOf(shopper.phone.issueBillCode(paid.id, PASSWORD))).toBe("BILL_NOT_PAYABLE");
    expect(await errorCodeOf(client.cancelBill("P-1"))).toBe("BILL_NOT_PAYABLE");
  });

  it("pays a bill once when two registers collect it at the same instant", async () => {
    const { client } = await biller();
    const shopper = await newShopper(server.url);
    const a = await newRegister(server.url, "JPY", "Store A");
    const b = await newRegister(server.url, "JPY", "Store B");
    const bill = await client.postBill({ customerPhone: shopper.phoneNumber, reference: "RACE-1", amount: 990, currency: "JPY", dueDate: dueIn(5) });
    const codes = await Promise.all([1, 2, 3].map(() => shopper.phone.issueBillCode(bill.id, PASSWORD).then((c) => c.code)));
    const attempts = codes.flatMap((code, i) => [
      a.register.collectBill(code, "CASH", `race-a-${i}`),
      b.register.collectBill(code, "CASH", `race-b-${i}`),
    ]);
    const outcomes = await Promise.all(attempts.map((p) => p.then(() => "PAID", (e: { code?: string }) => e.code ?? "NO_CODE")));
    expect(outcomes.filter((o) => o === "PAID")).toHaveLength(1);
    expect(outcomes.every((o) => ["PAID", "BILL_NOT_PAYABLE", "CODE_ALREADY_USED"].includes(o))).toBe(true);
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

  it("shows a bill posted before the customer enrolled once they do", async () => {
    const { client } = await biller();
    const phoneNumber = randomPhone();
    const bill = await client.postBill({ customerPhone: phoneNumber, reference: "EARLY-1", amount: 300, currency: "JPY", dueDate: dueIn(7) });
    await new AdminClient(server.url, ADMIN_TOKEN).enrollCustomer({ phone: phoneNumber, name: "Late Comer", password: PASSWORD });
    const phone = new PhoneClient(server.url);
    await phone.login(phoneNumber, PASSWORD);
    expect((await phone.bills()).map((b) => b.id)).toEqual([bill.id]);
  });
});
