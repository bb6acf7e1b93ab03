import type { ServerProcess } from "../../scripts/server-process";
import { RegisterClient } from "../../clients/register";
import { ADMIN_TOKEN } from "../support/server";
import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";
import { mysqlAndRedis, startInstances, type Instances } from "../support/production";
import { closedWithin } from "../support/sockets";

if (!mysqlAndRedis) {
  process.stdout.write("[two-instances] needs MySQL and Redis: SKIPPED\n");
}
const describeIf = mysqlAndRedis ? describe : describe.skip;

describeIf("two server processes on one MySQL and one Redis", () => {
  let instances: Instances;
  let servers: ServerProcess[];

  beforeAll(async () => {
    instances = await startInstances(2, {
      RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "3",
      // Long, so a socket that closes within a second was closed by the announcement.
      WS_CREDENTIAL_RECHECK_MS: "600000",
    });
    servers = instances.servers;
  });

  afterAll(async () => {
    expect(await instances.stop()).toEqual([0, 0]);
  });

  it("lets a phone on the first confirm what a register did on the second", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    await shopper.phone.setConfirmAbove(0);
    const { register } = await newRegister(second.url);
    const requests = shopper.phone.confirmationRequests();
    const updates = register.paymentUpdates();
    try {
      await Promise.all([requests.ready, updates.ready]);
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const pending = await register.redeemCode(code, { amount: 1800, currency: "JPY" }, "two-1");
      expect(pending.status).toBe("PENDING_CONFIRMATION");

      const request = await requests.next(2000);
      expect(request.payment.id).toBe(pending.id);
      expect((await updates.next(2000)).status).toBe("PENDING_CONFIRMATION");

      const approved = await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
      expect(approved.status).toBe("APPROVED");
      const told = await updates.next(2000);
      expect(told).toMatchObject({ id: pending.id, status: "APPROVED", approvalNumber: approved.approvalNumber });
    } finally {
      await shopper.phone.live.close();
      await register.live.close();
    }
  });

  it("share a register's wrong-code count: over the limit on one, refused on the other, even a right code", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    const { register: onFirst, apiKey } = await newRegister(first.url);
    const onSecond = new RegisterClient(second.url, apiKey);
    const wrong = (i: number) => `0000000000000000${String(i).padStart(3, "0")}0`;
    for (let i = 0; i < 3; i++) expect(await errorCodeOf(onFirst.lookupCode(wrong(i)))).toBe("CODE_INVALID");
    expect(await errorCodeOf(onFirst.lookupCode(wrong(3)))).toBe("RATE_LIMITED");
    // The second has not seen this register go over, yet its first code, even a right
    // one, finds the shared count spent: each code takes its try before it is checked.
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    expect(await errorCodeOf(onSecond.lookupCode(code))).toBe("RATE_LIMITED");
    expect(await errorCodeOf(onSecond.lookupCode(wrong(4)))).toBe("RATE_LIMITED");
    expect(await errorCodeOf(onSecond.redeemCode(code, { amount: 100, currency: "JPY" }, "two-limited"))).toBe("RATE_LIMITED");
  });

  it("end a session on one and close its socket on the other within a second: logout, and a lost phone", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    const onSecond = new PhoneClient(second.url, shopper.phone.token!);
    await onSecond.confirmationRequests().ready;
    await shopper.phone.logout();
    expect(await closedWithin(onSecond.live, 1000)).toBe(4403);

    const lost = new PhoneClient(second.url);
    await lost.login(shopper.phoneNumber, PASSWORD);
    await lost.confirmationRequests().ready;
    expect(await new AdminClient(first.url, ADMIN_TOKEN).endCustomerSessions(shopper.customerId)).toBe(1);
    expect(await closedWithin(lost.live, 1000)).toBe(4403);
    expect(await errorCodeOf(lost.me())).toBe("UNAUTHENTICATED");
  });

  it("revoke a key on one: the other refuses it at once over HTTP and closes its socket", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    const { store, apiKey } = await newRegister(first.url);
    const onSecond = new RegisterClient(second.url, apiKey);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    // The second now holds the key in its cache.
    expect((await onSecond.lookupCode(code)).kind).toBe("PAYMENT");
    await onSecond.paymentUpdates().ready;

    const admin = new AdminClient(first.url, ADMIN_TOKEN);
    const [key] = await admin.apiKeys(store.id);
    await admin.revokeApiKey(key.id);
    expect(await closedWithin(onSecond.live, 1000)).toBe(4403);
    expect(await errorCodeOf(onSecond.lookupCode(code))).toBe("UNAUTHENTICATED");
  });
});
