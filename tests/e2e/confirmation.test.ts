import { ManualClock } from "../../src/clock";
import { PhoneClient } from "../../clients/phone";
import type { Payment } from "../../clients/common";
import type { LiveFeed } from "../../clients/live";
import { RegisterClient } from "../../clients/register";
import { createTestDatabase, engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

/** Reads a register's feed until the payment reaches a decided status. */
async function decided(feed: LiveFeed<Payment>, paymentId: string): Promise<Payment> {
  for (;;) {
    const update = await feed.next(5000);
    if (update.id === paymentId && update.status !== "PENDING_CONFIRMATION" && update.status !== "PROCESSING") return update;
  }
}

describe.each(engines)("confirming a payment on the phone (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  const closers: Array<() => unknown> = [];
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { CONFIRMATION_SWEEP_MS: "50" } });
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
    expect((await register.payment(pending.id))?.status).toBe("APPROVED");
  });

  it("does not ask for payments at or under the threshold, and never when it is null", async () => {
    const { shopper, register, requests } = await setup(1000);
    const first = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    expect((await register.redeemCode(first.code, { amount: 1000, currency: "JPY" }, "under-1")).status).toBe("APPROVED");
    await shopper.phone.setConfirmAbove(null);
    const second = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    expect((await register.redeemCode(second.code, { amount: 99_999, currency: "JPY" }, "never-1")).status).toBe("APPROVED");
    expect(await requests.nothingWithin(200)).toBe(true);
  });

  it("asks for every payment when the threshold is 0", async () => {
    const { shopper, register, requests } = await setup(0);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount: 1, currency: "JPY" }, "always-1");
    expect(payment.status).toBe("PENDING_CONFIRMATION");
    expect((await requests.next(1000)).payment.id).toBe(payment.id);
  });

  it("ends REJECTED_BY_CUSTOMER when the phone says no, and the register hears it", async () => {
    const { shopper, register, requests, updates } = await setup(0);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const pending = await register.redeemCode(code, { amount: 800, currency: "JPY" }, "reject-1");
    const request = await requests.next(1000);
    const rejected = await shopper.phone.respondToConfirmation(request.id, false, PASSWORD);
    expect(rejected).toMatchObject({ status: "REJECTED_BY_CUSTOMER", approvalNumber: null });
    expect((await decided(updates, pending.id)).status).toBe("REJECTED_BY_CUSTOMER");
    const simulator = server.app.institution as unknown as { authorizations: Map<string, unknown> };
    expect(simulator.authorizations.has(pending.id)).toBe(false);
  });

  it("expires an unanswered request after 120 seconds and tells the register", async () => {
    const { shopper, register, requests, updates } = await setup(0);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const pending = await register.redeemCode(code, { amount: 300, currency: "JPY" }, "expire-1");
    const request = await requests.next(1000);
    expect((await updates.next(1000)).status).toBe("PENDING_CONFIRMATION");
    clock.advance(119_000);
    expect(await updates.nothingWithin(200)).toBe(true);
    clock.advance(2_000);
    expect((await decided(updates, pending.id)).status).toBe("EXPIRED");
    expect(await errorCodeOf(shopper.phone.respondToConfirmation(request.id, true, PASSWORD))).toBe("BAD_USER_INPUT");
    expect((await shopper.phone.payment(pending.id))?.status).toBe("EXPIRED");
  });

  it("lets only the owner answer, and only once", async () => {
    const { shopper, register, requests } = await setup(0);
    const stranger = await newShopper(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    await register.redeemCode(code, { amount: 300, currency: "JPY" }, "owner-1");
    const request = await requests.next(1000);
    expect(await errorCodeOf(stranger.phone.respondToConfirmation(request.id, true, PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(shopper.phone.respondToConfirmation(request.id, true, "wrong password"))).toBe("INVALID_PASSWORD");
    expect((await shopper.phone.respondToConfirmation(request.id, true, PASSWORD)).status).toBe("APPROVED");
    expect(await errorCodeOf(shopper.phone.respondToConfirmation(request.id, false, PASSWORD))).toBe("BAD_USER_INPUT");
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

  it("takes a register's request by phone number and card selector, with no code", async () => {
    const { shopper, register, requests, updates } = await setup(null);
    const pending = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 2400, currency: "JPY" }, "req-1");
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    const request = await requests.next(1000);
    expect(request.payment.id).toBe(pending.id);
    await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    expect((await decided(updates, pending.id)).status).toBe("APPROVED");
    expect(await errorCodeOf(register.requestPayment("+819000000001", "1", { amount: 1, currency: "JPY" }, "req-2"))).toBe("NOT_FOUND");
    expect(await errorCodeOf(register.requestPayment(shopper.phoneNumber, "9", { amount: 1, currency: "JPY" }, "req-3"))).toBe("NOT_FOUND");
  });

  it("lists pending requests for a phone that subscribes late", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const pending = await register.requestPayment(shopper.phoneNumber, "1", { amount: 500, currency: "JPY" }, "late-1");
    const listed = await shopper.phone.pendingConfirmations();
    expect(listed.map((r) => r.payment.id)).toEqual([pending.id]);
    expect((await shopper.phone.respondToConfirmation(listed[0].id, true, PASSWORD)).status).toBe("APPROVED");
    expect(await shopper.phone.pendingConfirmations()).toEqual([]);
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
      await expect(feed.next(3000)).rejects.toThrow(); // the subscription was closed, not left hanging
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
