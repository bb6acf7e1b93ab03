import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/webhooks";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver, type ReceivedWebhook } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

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
      ["bill.reversed", "W-25", "CASH"],
    ]);
    for (const hook of storeHooks.delivered) {
      const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
      expect(verifyWebhook(store.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(true);
      expect(verifyWebhook(partner.webhookSecret, headers, hook.body, Number(headers.timestamp))).toBe(false);
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
});
