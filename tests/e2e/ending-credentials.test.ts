import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { freePort } from "../../scripts/server-process";
import { eventually } from "../support/eventually";
import { engines, mysqlAvailable } from "../support/databases";
import { closedWithin } from "../support/sockets";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

/**
 * Opens the client's socket with a subscription in place, as a phone waiting for
 * confirmations does; it also keeps the socket open between operations (the clients'
 * sockets are lazy: they close when nothing is subscribed).
 */
async function listening(phone: PhoneClient | RegisterClient) {
  const feed = phone instanceof PhoneClient ? phone.confirmationRequests() : phone.paymentUpdates();
  await feed.ready;
  return feed;
}

const ISSUE_CODE_ON_SOCKET = `mutation ($cardId: ID!, $password: String!) { issuePaymentCode(cardId: $cardId, password: $password) { code } }`;

describe.each(engines)("credentials that end, end on open sockets too (%s)", (engine) => {
  let server: TestServer;
  let admin: AdminClient;
  const clock = new ManualClock();

  beforeAll(async () => {
    // A long periodic re-check, so what closes a socket within a second here is the
    // announcement, and what refuses an operation is the check each operation makes.
    server = await startTestServer(engine, { clock, env: { WS_CREDENTIAL_RECHECK_MS: "600000" } });
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(() => server.close());

  it("closes a phone's socket with 4403 within a second of logout, and its subscription hears nothing more", async () => {
    const shopper = await newShopper(server.url);
    const requests = await listening(shopper.phone);
    await shopper.phone.logout();
    expect(await closedWithin(shopper.phone.live, 1000)).toBe(4403);
    await expect(requests.next(100)).rejects.toThrow();
  });

  it("checks the credential as it stands at every operation on a socket", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    const me = shopper.phone.live.subscribe(`{ me { id } }`, (data) => data.me as { id: string });
    expect((await me.next()).id).toBe(shopper.customerId);
    await me.ready; // every operation sent so far answered, so only the next one meets the ended credential
    // Ended behind the server's back (no announcement): the next operation finds out.
    await server.app.dataSource.query("UPDATE customer_sessions SET revokedAt = createdAt WHERE customerId = ?", [shopper.customerId]);
    const code = shopper.phone.live.subscribe(ISSUE_CODE_ON_SOCKET, (data) => data, { cardId: shopper.card.id, password: PASSWORD });
    await expect(code.next()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await closedWithin(shopper.phone.live, 1000)).toBe(4403);
  });

  it("refuses an operation on a socket whose session has expired", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    const me = shopper.phone.live.subscribe(`{ me { id } }`, (data) => data.me as { id: string });
    expect((await me.next()).id).toBe(shopper.customerId);
    await me.ready; // every operation sent so far answered, so only the next one meets the ended credential
    clock.advance(31 * 24 * 3_600_000);
    try {
      const again = shopper.phone.live.subscribe(`{ me { id } }`, (data) => data.me as { id: string });
      await expect(again.next()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
      expect(await closedWithin(shopper.phone.live, 1000)).toBe(4403);
    } finally {
      clock.set(new Date());
    }
  });

  it("ends every session of a lost phone: sockets close, tokens fail, and the count is told", async () => {
    const shopper = await newShopper(server.url);
    const second = new PhoneClient(server.url);
    await second.login(shopper.phoneNumber, PASSWORD);
    const bystander = await newShopper(server.url);
    await Promise.all([listening(shopper.phone), listening(second), listening(bystander.phone)]);

    expect(await admin.endCustomerSessions(shopper.customerId)).toBe(2);
    expect(await closedWithin(shopper.phone.live, 1000)).toBe(4403);
    expect(await closedWithin(second.live, 1000)).toBe(4403);
    expect(await errorCodeOf(shopper.phone.me())).toBe("UNAUTHENTICATED");
    expect(await errorCodeOf(second.me())).toBe("UNAUTHENTICATED");
    // Another customer's socket and session are untouched.
    expect(bystander.phone.live.closeCode).toBeNull();
    expect((await bystander.phone.me()).id).toBe(bystander.customerId);
    expect(await admin.endCustomerSessions(shopper.customerId)).toBe(0);
    await bystander.phone.live.close();
  });

  it("lets only the admin end sessions or touch keys, and names unknown ones NOT_FOUND", async () => {
    const shopper = await newShopper(server.url);
    const { apiKey } = await newRegister(server.url);
    expect(await errorCodeOf(admin.endCustomerSessions("00000000-0000-7000-8000-000000000000"))).toBe("NOT_FOUND");
    expect(await errorCodeOf(admin.revokeApiKey("00000000-0000-7000-8000-000000000000"))).toBe("NOT_FOUND");
    const asPhone = new AdminClient(server.url, shopper.phone.token!);
    const asRegister = new AdminClient(server.url, apiKey);
    expect(await errorCodeOf(asPhone.endCustomerSessions(shopper.customerId))).toBe("FORBIDDEN");
    expect(await errorCodeOf(asRegister.apiKeys())).toBe("FORBIDDEN");
    expect(await errorCodeOf(new AdminClient(server.url, "").revokeApiKey("x"))).toBe("UNAUTHENTICATED");
  });

  it("revokes an API key at once: over HTTP, on its open socket, and in the key list", async () => {
    const { store, register, apiKey } = await newRegister(server.url);
    const shopper = await newShopper(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    // Used once over HTTP: the server now holds it in its key cache.
    expect((await register.lookupCode(code)).kind).toBe("PAYMENT");
    const updates = await listening(register);

    const [listed] = await admin.apiKeys(store.id);
    expect(listed).toMatchObject({ role: "REGISTER", ownerId: store.id, revokedAt: null });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    const revoked = await admin.revokeApiKey(listed.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await errorCodeOf(new RegisterClient(server.url, apiKey).lookupCode(code))).toBe("UNAUTHENTICATED");
    expect(await closedWithin(register.live, 1000)).toBe(4403);
    await expect(updates.next(100)).rejects.toThrow();

    // Revoking again changes nothing; the list shows the revocation.
    expect((await admin.revokeApiKey(listed.id)).revokedAt).toBe(revoked.revokedAt);
    expect((await admin.apiKeys(store.id))[0].revokedAt).toBe(revoked.revokedAt);
    expect((await admin.apiKeys()).some((key) => key.id === listed.id)).toBe(true);
  });
});

describe("the periodic re-check", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { env: { WS_CREDENTIAL_RECHECK_MS: "200", WS_CREDENTIAL_FULL_RECHECK_MS: "1000" } });
  });
  afterAll(() => server.close());

  it("closes a socket whose session expired", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    const expired = new Date(Date.now() - 1000).toISOString().replace("T", " ").replace("Z", "");
    await server.app.dataSource.query("UPDATE customer_sessions SET expiresAt = ? WHERE customerId = ?", [expired, shopper.customerId]);
    expect(await closedWithin(shopper.phone.live, 2000)).toBe(4403);
  });

  it("closes a socket whose session is gone from the database, by the whole re-check", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    await server.app.dataSource.query("DELETE FROM customer_sessions WHERE customerId = ?", [shopper.customerId]);
    expect(await closedWithin(shopper.phone.live, 3000)).toBe(4403);
  });

  it("keeps a socket whose session holds through the looks and the whole re-checks", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    expect(await closedWithin(shopper.phone.live, 2500)).toBe(null);
  });

  it("closes a socket whose session ended without an announcement (one Redis lost)", async () => {
    const shopper = await newShopper(server.url);
    await listening(shopper.phone);
    await server.app.dataSource.query("UPDATE customer_sessions SET revokedAt = createdAt WHERE customerId = ?", [shopper.customerId]);
    expect(await closedWithin(shopper.phone.live, 2000)).toBe(4403);
  });
});

const describeOnMysql = mysqlAvailable ? describe : describe.skip;

describeOnMysql("a revoked API key on two instances of one MySQL database, with Redis down", () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer("mysql");
    // Nothing listens at the second's Redis: no announcement reaches it.
    second = await startTestServer("mysql", { database: first.db, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it("is refused by the other instance within a second, over HTTP and on its open socket", async () => {
    const admin = new AdminClient(first.url, ADMIN_TOKEN);
    const { store, apiKey } = await newRegister(first.url);
    const onSecond = new RegisterClient(second.url, apiKey);
    const today = new Date().toISOString().slice(0, 10);
    // Used on the second instance just before and as the revocation commits, so it is in its key cache.
    expect(await onSecond.storeReport(today)).toBeDefined();
    await listening(onSecond);
    const [listed] = await admin.apiKeys(store.id);
    const using = onSecond.storeReport(today).catch(() => null);
    await admin.revokeApiKey(listed.id);
    const revokedAt = Date.now();
    await using;
    const refused = () => onSecond.storeReport(today).then(
      () => false,
      (error: { code?: string }) => error.code === "UNAUTHENTICATED",
    );
    expect(await eventually(refused, 1000)).toBe(true);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    // Refused from then on, and its open socket is closed within the second too.
    expect(await errorCodeOf(onSecond.storeReport(today))).toBe("UNAUTHENTICATED");
    expect(await closedWithin(onSecond.live, Math.max(0, revokedAt + 1000 - Date.now()))).toBe(4403);
  });
});
