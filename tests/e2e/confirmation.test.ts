import { ManualClock } from "../../src/clock";
import { PhoneClient } from "../../clients/phone";
import type { Payment } from "../../clients/common";
import type { LiveFeed } from "../../clients/live";
import { RegisterClient } from "../../clients/register";
import { createTestDatabase, engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { closedWithin } from "../support/sockets";
import { PASSWORD, newRegister, newShopper } from "../support/world";

/** Reads a register's feed until the payment reaches a decided status. */
async function decided(feed: LiveFeed<Payment>, paymentId: string): Promise<Payment> {
  for (;;) {
    const update = await feed.next(5000);
    if (update.id === paymentId && update.status !== "PENDING_CONFIRMATION" && update.status !== "PROCESSING") return update;
  }
}

// The rules (threshold, who may answer, rejection, expiry, requests by phone number, what
// may change meanwhile) are tests/service/confirmations.test.ts and
// tests/service/while-the-phone-is-asked.test.ts.
describe.each(engines)("confirming a payment on the phone (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  const closers: Array<() => unknown> = [];
  beforeAll(async () => {
    server = await startTestServer(engine, { clock });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(() => server.close());

  async function setup(confirmAbove: number | null) {
    const shopper = await newShopper(server.url);
    await shopper.phone.setConfirmAbove(confirmAbove);
    const { register, store } = await newRegister(server.url);
    const requests = shopper.phone.confirmationRequests();
    const updates = register.paymentUpdates();
    closers.push(() => shopper.phone.live.close(), () => register.live.close());
    await Promise.all([requests.ready, updates.ready]);
    return { shopper, register, store, requests, updates };
  }

  it("asks the phone within a second, and tells the register APPROVED the moment it is approved", async () => {
    const { shopper, register, requests, updates } = await setup(1000);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const pending = await register.redeemCode(code, { amount: 1500, currency: "JPY" }, "confirm-1");
    expect(pending.status).toBe("PENDING_CONFIRMATION");

    const request = await requests.next(1000);
    expect(request.payment).toMatchObject({ id: pending.id, amount: 1500, status: "PENDING_CONFIRMATION" });
    expect(new Date(request.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime());

    const answered = await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    expect(answered.status).toBe("APPROVED");
    const seen = await decided(updates, pending.id);
    expect(seen).toMatchObject({ status: "APPROVED", approvalNumber: answered.approvalNumber });
    // With its receipt, read as it is now: the same feed heard the payment before, waiting and without one.
    expect(seen.receipt && JSON.parse(seen.receipt.json).body).toMatchObject({ kind: "payment.approved", objectId: pending.id, approvalNumber: answered.approvalNumber });
    expect((await register.payment(pending.id))?.status).toBe("APPROVED");
  });

  it("sends a second customer's phone nothing", async () => {
    const { shopper, register, requests } = await setup(0);
    const other = await newShopper(server.url);
    const otherRequests = other.phone.confirmationRequests();
    const otherUpdates = other.phone.paymentUpdates();
    closers.push(() => other.phone.live.close());
    await Promise.all([otherRequests.ready, otherUpdates.ready]);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    await register.redeemCode(code, { amount: 300, currency: "JPY" }, "private-1");
    await requests.next(1000);
    expect(await otherRequests.nothingWithin(300)).toBe(true);
    expect(await otherUpdates.nothingWithin(0)).toBe(true);
  });

  it("tells the phone live when the register cancels a waiting sale, and refuses a late answer with the payment's status", async () => {
    const { shopper, register, requests } = await setup(null);
    const pending = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 1200, currency: "JPY" }, "cancel-1");
    const request = await requests.next(1000);
    const phoneUpdates = shopper.phone.paymentUpdates();
    await phoneUpdates.ready;
    const voided = await register.voidPayment(pending.id, "void-cancel-1");
    expect(voided).toMatchObject({ id: pending.id, status: "VOIDED", approvalNumber: null });
    expect(await phoneUpdates.next(1000)).toMatchObject({ id: pending.id, status: "VOIDED" });
    const late = shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    await expect(late).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringContaining("cancelled"), extensions: { status: "VOIDED" } });
  });

  it("gives no data to an unauthenticated or wrong-role subscriber", async () => {
    const anonymous = new PhoneClient(server.url);
    const feed = anonymous.confirmationRequests();
    closers.push(() => anonymous.live.close());
    await expect(feed.next(2000)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const { apiKey } = await newRegister(server.url);
    const asRegister = new PhoneClient(server.url, apiKey);
    const wrongRole = asRegister.confirmationRequests();
    closers.push(() => asRegister.live.close());
    await expect(wrongRole.next(2000)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const bogus = new RegisterClient(server.url, "wck_not-a-real-key");
    const refused = bogus.paymentUpdates();
    closers.push(() => bogus.live.close());
    await expect(refused.next(2000)).rejects.toThrow();
    expect(bogus.live.closeCode).toBe(4403);
  });
});

describe.each(engines)("pending confirmations across a restart (%s)", (engine) => {
  it("keeps a pending request in the database and answers it after the server restarts", async () => {
    const database = await createTestDatabase(engine);
    try {
      const first = await startTestServer(engine, { database });
      const shopper = await newShopper(first.url);
      const { register, apiKey } = await newRegister(first.url);
      const pending = await register.requestPayment(shopper.phoneNumber, "1", { amount: 700, currency: "JPY" }, "restart-1");
      const feed = shopper.phone.confirmationRequests();
      await feed.ready;
      await first.close();
      // The server closed the socket, not left it hanging (the client then tries to reconnect).
      expect(await closedWithin(shopper.phone.live, 3000)).not.toBeNull();
      await shopper.phone.live.close();

      const second = await startTestServer(engine, { database });
      try {
        const phone = new PhoneClient(second.url, shopper.phone.token!);
        const [request] = await phone.pendingConfirmations();
        expect(request.payment.id).toBe(pending.id);
        expect((await phone.respondToConfirmation(request.id, true, PASSWORD)).status).toBe("APPROVED");
        expect((await new RegisterClient(second.url, apiKey).payment(pending.id))?.status).toBe("APPROVED");
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});
