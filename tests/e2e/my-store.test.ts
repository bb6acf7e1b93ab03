import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { errorCodeOf, newShopper } from "../support/world";

/**
 * A register reads its own store (the register screen's currency and time zone come from
 * here, not from the clerk): its own and no other, never the webhook secret, and only
 * with a live register key.
 */
describe.each(engines)("a register's own store (%s)", (engine) => {
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    server = await startTestServer(engine);
  });
  afterAll(async () => {
    await server.close();
    await hooks.close();
  });

  it("gives each register its own store's name, currency and time zone, and nothing secret", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const tokyo = await admin.createStore("Lawson Shinjuku", "JPY", undefined, { timeZone: "Asia/Tokyo", webhookUrl: hooks.url });
    const boston = await admin.createStore("Corner Deli", "USD", undefined, { timeZone: "America/New_York" });
    const tokyoKey = await admin.issueApiKey("REGISTER", tokyo.id);
    const register = new RegisterClient(server.url, tokyoKey.key);
    const other = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", boston.id)).key);

    expect(await register.myStore()).toEqual({ id: tokyo.id, name: "Lawson Shinjuku", currency: "JPY", timeZone: "Asia/Tokyo" });
    expect(await other.myStore()).toEqual({ id: boston.id, name: "Corner Deli", currency: "USD", timeZone: "America/New_York" });
    const secret = await register.request<{ myStore: { webhookSecret: string | null } }>("query { myStore { webhookSecret } }");
    expect(tokyo.webhookSecret).toMatch(/^whsec_/);
    expect(secret.myStore.webhookSecret).toBeNull();

    // A revoked key reads nothing: the register screen goes back to its key form.
    await admin.revokeApiKey(tokyoKey.id);
    expect(await errorCodeOf(register.myStore())).toBe("UNAUTHENTICATED");
  });

  it("is a register's question only", async () => {
    const shopper = await newShopper(server.url);
    expect(await errorCodeOf(shopper.phone.request("query { myStore { id } }"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(new RegisterClient(server.url, null as unknown as string).myStore())).toBe("UNAUTHENTICATED");
  });
});
