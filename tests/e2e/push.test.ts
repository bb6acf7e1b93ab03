import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { AdminClient } from "../../clients/admin";
import type { Payment } from "../../clients/common";
import { DeviceKey } from "../../clients/device-key";
import type { LiveFeed } from "../../clients/live";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { ManualClock } from "../../src/clock";
import { OutboxMessageEntity, PushSubscriptionEntity } from "../../src/entities";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { startPushService, type TestPushService, type TestSubscription } from "../support/push-service";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper, type Shopper } from "../support/world";

const DAY = 86_400_000;

/** A port nothing listens on: a push service that is gone. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function decided(feed: LiveFeed<Payment>, paymentId: string): Promise<Payment> {
  for (;;) {
    const update = await feed.next(5000);
    if (update.id === paymentId && update.status !== "PENDING_CONFIRMATION" && update.status !== "PROCESSING") return update;
  }
}

const registration = (s: TestSubscription, label = "Test browser") => ({ endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, label });

// The phone's app is closed: no socket is open, and what reaches it comes through its
// push service, signed with the server's VAPID key and encrypted to the browser's keys.
describe.each(engines)("Web Push to a phone whose app is closed (%s)", (engine) => {
  let server: TestServer;
  let push: TestPushService;
  const clock = new ManualClock();

  beforeAll(async () => {
    // Slow push services are given up on after a second (the outbox's delivery timeout).
    server = await startTestServer(engine, { clock, env: { OUTBOX_DELIVERY_TIMEOUT_MS: "1000", CONFIRMATION_TTL_SECONDS: "120" } });
    push = await startPushService({ vapidPublicKey: () => server.app.services.pushSubscriptions.publicKey()! });
  });
  afterAll(async () => {
    await push.close();
    await server.close();
  });

  async function subscribed(behaviour: Parameters<TestPushService["subscribe"]>[0] = "accept", shopper?: Shopper) {
    const who = shopper ?? (await newShopper(server.url));
    const browser = push.subscribe(behaviour);
    const registered = await who.phone.registerPushSubscription(registration(browser));
    return { shopper: who, browser, registered };
  }

  const rowsOf = (customerId: string) => server.app.dataSource.manager.findBy(PushSubscriptionEntity, { customerId });

  it("gives the phone the VAPID public key, a P-256 point a browser subscribes with", async () => {
    const shopper = await newShopper(server.url);
    const key = await shopper.phone.pushPublicKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(Buffer.from(key!, "base64url")[0]).toBe(4);
  });

  it("pushes a confirmation request with what the sheet needs; the phone approves and the register hears APPROVED", async () => {
    const { shopper, browser, registered } = await subscribed();
    expect(registered).toMatchObject({ label: "Test browser", thisSession: true, deviceId: null, lastPushedAt: null });
    const { register } = await newRegister(server.url, "JPY", "Corner Store Shibuya");
    const updates = register.paymentUpdates();
    await updates.ready;

    const pending = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 1200, currency: "JPY" }, `push-${browser.id}`);
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    expect(await eventually(() => push.to(browser.id).some((p) => p.payload.kind === "confirmation"))).toBe(true);
    const arrived = push.to(browser.id).find((p) => p.payload.kind === "confirmation")!;
    const [request] = await shopper.phone.pendingConfirmations();
    expect(arrived.payload).toEqual({
      v: 1,
      id: expect.any(String),
      at: expect.any(String),
      kind: "confirmation",
      requestId: request.id,
      paymentId: pending.id,
      amount: 1200,
      currency: "JPY",
      storeName: "Corner Store Shibuya",
      cardBrand: "VISA",
      cardLast4: "4242",
      expiresAt: request.expiresAt,
    });
    // Urgent, and kept by the push service no longer than the request lives.
    expect(arrived.urgency).toBe("high");
    expect(arrived.ttl).toBeGreaterThan(100);
    expect(arrived.ttl).toBeLessThanOrEqual(120);
    expect(arrived.topic).toMatch(/^[0-9a-f]{32}$/);
    expect(arrived.claims.sub).toBe("mailto:push@localhost");
    const raw = JSON.stringify(arrived.payload);
    expect(raw).not.toContain(shopper.phoneNumber);
    expect(raw).not.toContain("4242424242424242");

    const approved = await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    expect(approved.status).toBe("APPROVED");
    expect((await decided(updates, pending.id)).status).toBe("APPROVED");
    await register.live.close();
    // The result reaches the phone too.
    expect(await eventually(() => push.to(browser.id).some((p) => p.payload.kind === "payment"))).toBe(true);
    expect(push.to(browser.id).find((p) => p.payload.kind === "payment")!.payload).toMatchObject({ paymentId: pending.id, status: "APPROVED", amount: 1200 });
    expect((await rowsOf(shopper.customerId))[0].lastPushedAt).not.toBeNull();
  });

  it("pushes a payment's result, a refund, a bill that arrived, a ticket and a store's message", async () => {
    const { shopper, browser } = await subscribed();
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const paid = await register.redeemCode(code, { amount: 800, currency: "JPY" }, `pay-${browser.id}`);
    await register.refundPayment(paid.id, `refund-${browser.id}`, 300);

    const partner = await admin.createPartner("Tokyo Power & Gas");
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: `B-${browser.id}`, amount: 8640, currency: "JPY", dueDate: new Date(clock.now().getTime() + 5 * DAY).toISOString() });
    const event = await biller.createEvent({ title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: new Date(clock.now().getTime() + DAY).toISOString(), startsAt: new Date(clock.now().getTime() + DAY + 3_600_000).toISOString() });
    const ticket = await biller.postTicket({ eventId: event.id, holderPhone: shopper.phoneNumber, issueNumber: `T-${browser.id}` });
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    await shopper.phone.joinProgram(program.id);
    await biller.sendMessage(program.id, "Autumn sale", "20% off everything this weekend");

    const kinds = ["payment", "refund", "bill", "ticket", "message"];
    expect(await eventually(() => kinds.every((kind) => push.to(browser.id).some((p) => p.payload.kind === kind)))).toBe(true);
    const of = (kind: string) => push.to(browser.id).find((p) => p.payload.kind === kind)!.payload;
    expect(of("payment")).toMatchObject({ paymentId: paid.id, status: "APPROVED", amount: 800, currency: "JPY" });
    expect(of("refund")).toMatchObject({ paymentId: paid.id, status: "PARTIALLY_REFUNDED", amount: 300, refundedAmount: 300 });
    expect(of("bill")).toMatchObject({ billId: bill.id, billerName: "Tokyo Power & Gas", amount: 8640, currency: "JPY" });
    expect(of("ticket")).toMatchObject({ ticketId: ticket.id, eventName: "Winter Live" });
    expect(of("message")).toMatchObject({ title: "Autumn sale", body: "20% off everything this weekend" });
    for (const received of push.to(browser.id)) {
      expect(received.urgency).toBe("normal");
      expect(JSON.stringify(received.payload)).not.toContain(shopper.phoneNumber);
    }
  });

  it("reminds of a bill due within a day and of a ticket whose codes are released, once each, by the sweep", async () => {
    const { shopper, browser } = await subscribed();
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Gas");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const soon = await shop.postBill({ customerPhone: shopper.phoneNumber, reference: `S-${browser.id}`, amount: 4200, currency: "JPY", dueDate: new Date(clock.now().getTime() + 20 * 3_600_000).toISOString() });
    await shop.postBill({ customerPhone: shopper.phoneNumber, reference: `L-${browser.id}`, amount: 100, currency: "JPY", dueDate: new Date(clock.now().getTime() + 3 * DAY).toISOString() });
    // Doors in 30 minutes: codes are out (an hour before doors). Another event's are not yet.
    const now = clock.now().getTime();
    const tonight = await shop.createEvent({ title: "Night Jazz", venue: "Blue Note", doorsOpenAt: new Date(now + 1_800_000).toISOString(), startsAt: new Date(now + 3_600_000).toISOString() });
    const later = await shop.createEvent({ title: "Spring Fair", venue: "Tokyo Big Sight", doorsOpenAt: new Date(now + 5 * DAY).toISOString(), startsAt: new Date(now + 5 * DAY + 3_600_000).toISOString() });
    const ticket = await shop.postTicket({ eventId: tonight.id, holderPhone: shopper.phoneNumber, issueNumber: `J-${browser.id}` });
    await shop.postTicket({ eventId: later.id, holderPhone: shopper.phoneNumber, issueNumber: `F-${browser.id}` });
    const { pushReminders, outbox } = server.app.services;

    await pushReminders.sweepOnce();
    await pushReminders.sweepOnce();
    await outbox.drain();
    const kinds = ["billDue", "ticketReleased"];
    expect(await eventually(() => kinds.every((kind) => push.to(browser.id).some((p) => p.payload.kind === kind)))).toBe(true);
    const reminders = push.to(browser.id).filter((p) => kinds.includes(p.payload.kind));
    expect(reminders.map((p) => p.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "billDue", billId: soon.id, billerName: "Tokyo Gas", amount: 4200 }),
        expect.objectContaining({ kind: "ticketReleased", ticketId: ticket.id, eventName: "Night Jazz" }),
      ]),
    );
    expect(reminders).toHaveLength(2);
  });

  it("removes a subscription its push service answers 410 or 404 for, and sends it nothing more", async () => {
    for (const behaviour of ["gone", "not-found"] as const) {
      const { shopper, browser } = await subscribed(behaviour);
      const { register } = await newRegister(server.url);
      await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 500, currency: "JPY" }, `gone-${browser.id}`);
      expect(await eventually(async () => (await rowsOf(shopper.customerId)).length === 0)).toBe(true);
      expect(await shopper.phone.pushSubscriptions()).toEqual([]);
      const tried = push.attempts.filter((id) => id === browser.id).length;
      expect(tried).toBe(1);
      await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 600, currency: "JPY" }, `gone-again-${browser.id}`);
      await server.app.services.outbox.drain();
      expect(push.attempts.filter((id) => id === browser.id).length).toBe(tried);
    }
  });

  it("keeps pushing to other phones while one push service is slow and another is gone, retries those, and dead-letters the gone one", async () => {
    const slow = await subscribed("slow");
    const gone = await subscribed();
    const goneUrl = `http://127.0.0.1:${await closedPort()}/push/${gone.browser.id}`;
    await server.app.dataSource.manager.update(PushSubscriptionEntity, { id: gone.registered.id }, { endpoint: goneUrl });
    const fine = await subscribed();
    const { register } = await newRegister(server.url);
    const started = Date.now();
    await Promise.all(
      [slow, gone, fine].map(({ shopper, browser }) =>
        register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 700, currency: "JPY" }, `mixed-${browser.id}`),
      ),
    );
    expect(await eventually(() => push.to(fine.browser.id).length === 1, 5000)).toBe(true);
    // Well before the slow one's attempt is abandoned.
    expect(Date.now() - started).toBeLessThan(1000);

    const sendsOf = async (subscriptionId: string) =>
      (await server.app.dataSource.manager.findBy(OutboxMessageEntity, { topic: "push.send" })).filter((m) => m.payload.subscriptionId === subscriptionId);
    expect(await eventually(async () => (await sendsOf(slow.registered.id))[0]?.lastError === "Error: no answer within 1000 ms", 5000)).toBe(true);
    expect(await eventually(async () => (await sendsOf(gone.registered.id))[0]?.lastError === "Error: push service not reached", 5000)).toBe(true);
    expect((await sendsOf(gone.registered.id))[0]).toMatchObject({ deliveredAt: null, deadAt: null, destination: `push:${gone.registered.id}` });

    // The slow service answers again: the retry gets through.
    push.behave(slow.browser.id, "accept");
    clock.advance(5000);
    await server.app.services.outbox.drain();
    expect(await eventually(() => push.to(slow.browser.id).length === 1, 5000)).toBe(true);

    // A bill for the gone one fails for three days: dead, listed for an admin, its endpoint
    // in no word of it. Its confirmation expired meanwhile: that push is dropped, not dead.
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Water");
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    await biller.postBill({ customerPhone: gone.shopper.phoneNumber, reference: `W-${gone.browser.id}`, amount: 3000, currency: "JPY", dueDate: new Date(clock.now().getTime() + 9 * DAY).toISOString() });
    expect(await eventually(async () => (await sendsOf(gone.registered.id)).length === 2)).toBe(true);
    await server.app.services.outbox.drain();
    clock.advance(3 * DAY + 1000);
    await server.app.services.outbox.drain();
    const dead = (await admin.deadMessages()).nodes.filter((n) => n.destination === `push:${gone.registered.id}`);
    expect(dead).toEqual([expect.objectContaining({ topic: "push.send", lastError: "Error: push service not reached" })]);
    expect(JSON.stringify(dead)).not.toContain(goneUrl);
    const sends = await sendsOf(gone.registered.id);
    expect(sends.find((m) => (m.payload.notice as { kind: string }).kind === "confirmation")).toMatchObject({ deadAt: null, deliveredAt: expect.any(Date) });
  });

  it("lets a customer see and remove its subscriptions, and ends them with the session or the device", async () => {
    const { shopper, registered } = await subscribed();
    // Another phone of the same customer, with a device key.
    const other = new PhoneClient(server.url);
    await other.login(shopper.phoneNumber, PASSWORD);
    const device = await other.registerDevice(await DeviceKey.generate(), "Tablet", PASSWORD);
    const otherBrowser = push.subscribe();
    const onDevice = await other.registerPushSubscription({ ...registration(otherBrowser, "Tablet"), deviceId: device.id });
    const listed = await shopper.phone.pushSubscriptions();
    expect(listed.map((s) => [s.id, s.thisSession])).toEqual([
      [onDevice.id, false],
      [registered.id, true],
    ]);
    expect(listed[0]).toMatchObject({ label: "Tablet", deviceId: device.id });

    // The same browser subscribing again replaces its row.
    const again = await other.registerPushSubscription({ ...registration(otherBrowser, "Tablet again"), deviceId: device.id });
    expect((await rowsOf(shopper.customerId)).map((r) => r.id).sort()).toEqual([again.id, registered.id].sort());

    await shopper.phone.revokeDevice(device.id);
    expect((await rowsOf(shopper.customerId)).map((r) => r.id)).toEqual([registered.id]);

    const third = await other.registerPushSubscription(registration(push.subscribe(), "Tablet, no key"));
    expect(await shopper.phone.removePushSubscription(third.id)).toBe(true);
    expect(await errorCodeOf(shopper.phone.removePushSubscription(third.id))).toBe("NOT_FOUND");
    const stranger = await newShopper(server.url);
    expect(await errorCodeOf(stranger.phone.removePushSubscription(registered.id))).toBe("NOT_FOUND");

    await shopper.phone.logout();
    expect(await rowsOf(shopper.customerId)).toEqual([]);
  });

  it("ends every subscription of a customer whose sessions the back office ends (a lost phone)", async () => {
    const { shopper } = await subscribed();
    expect(await rowsOf(shopper.customerId)).toHaveLength(1);
    await new AdminClient(server.url, ADMIN_TOKEN).endCustomerSessions(shopper.customerId);
    expect(await rowsOf(shopper.customerId)).toEqual([]);
  });

  it("refuses endpoints that are not URLs and keys that are not a browser's", async () => {
    const shopper = await newShopper(server.url);
    const browser = push.subscribe();
    for (const input of [
      { ...registration(browser), endpoint: "ftp://push.example.com/x" },
      { ...registration(browser), endpoint: "not a url" },
      { ...registration(browser), p256dh: Buffer.alloc(65, 1).toString("base64url") },
      { ...registration(browser), auth: "c2hvcnQ" },
      { ...registration(browser), deviceId: "00000000-0000-7000-8000-000000000000" },
    ]) {
      const code = await errorCodeOf(shopper.phone.registerPushSubscription(input));
      expect(code).toBe("deviceId" in input ? "NOT_FOUND" : "BAD_USER_INPUT");
    }
    expect(await rowsOf(shopper.customerId)).toEqual([]);
  });
});
