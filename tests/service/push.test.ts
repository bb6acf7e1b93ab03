import { ManualClock } from "../../src/clock";
import { OutboxMessageEntity, PushSubscriptionEntity } from "../../src/entities";
import { PushSubscriptionService } from "../../src/services/push/push-subscription.service";
import { engines } from "../support/databases";
import { startPushService, type TestPushService, type TestSubscription } from "../support/push-service";
import { login, newCustomer, newPartner, serviceWorld, type ServiceWorld } from "../support/service-world";
import { errorCodeOf } from "../support/test-data";

const HOUR = 3_600_000;

const input = (s: TestSubscription, label = "Browser") => ({ endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, label });

describe.each(engines)("push subscriptions and notices (%s)", (engine) => {
  let world: ServiceWorld;
  let push: TestPushService;
  const clock = new ManualClock();
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, push: true, env: { SESSION_TTL_HOURS: "2" } });
    push = await startPushService({ vapidPublicKey: () => world.deps.vapid!.publicKey });
  });
  afterAll(async () => {
    await push.close();
    await world.close();
  });

  const rows = (customerId: string) => world.deps.db.read((m) => m.findBy(PushSubscriptionEntity, { customerId }));
  const sendsTo = async (subscriptionId: string) =>
    (await world.deps.db.read((m) => m.findBy(OutboxMessageEntity, { topic: "push.send" }))).filter((m) => m.payload.subscriptionId === subscriptionId);

  it("keeps one row when two sessions register the same browser at the same instant, and answers each in words", async () => {
    const shopper = await newCustomer(world);
    const second = await login(world, shopper.phoneNumber);
    const browser = push.subscribe();
    const outcomes = await Promise.allSettled([
      world.services.pushSubscriptions.register(shopper.caller, input(browser, "first")),
      world.services.pushSubscriptions.register(second, input(browser, "second")),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(await errorCodeOf(Promise.reject(outcome.reason))).toBe("BAD_USER_INPUT");
    }
    expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    expect(await rows(shopper.customerId)).toHaveLength(1);
  });

  it("sends nothing to a subscription whose session has expired, and refuses one from an ended session", async () => {
    const shopper = await newCustomer(world);
    const { hq } = await newPartner(world, "Tokyo Water");
    const subscription = await world.services.pushSubscriptions.register(shopper.caller, input(push.subscribe()));
    expect(subscription.expiresAt.getTime()).toBe(clock.now().getTime() + 2 * HOUR);
    clock.advance(2 * HOUR + 1000);
    await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: `EXP-${shopper.phoneNumber}`, amount: 500, currency: "JPY", dueDate: new Date(clock.now().getTime() + 48 * HOUR) });
    await world.services.outbox.drain();
    expect(await sendsTo(subscription.id)).toEqual([]);
    // The notice itself was sent (and delivered: to nobody).
    const notices = await world.deps.db.read((m) => m.findBy(OutboxMessageEntity, { topic: "push.notice" }));
    expect(notices.filter((n) => n.payload.customerId === shopper.customerId).map((n) => n.deliveredAt !== null)).toEqual([true]);

    const fresh = await login(world, shopper.phoneNumber);
    await world.services.credentials.endSession((fresh as { sessionId: string }).sessionId);
    expect(await errorCodeOf(world.services.pushSubscriptions.register(fresh, input(push.subscribe())))).toBe("UNAUTHENTICATED");
  });

  it("sends one push per subscription of a live session, and tells no other customer", async () => {
    const shopper = await newCustomer(world);
    const other = await newCustomer(world);
    const phone = push.subscribe();
    const tablet = push.subscribe();
    const elsewhere = push.subscribe();
    await world.services.pushSubscriptions.register(shopper.caller, input(phone));
    await world.services.pushSubscriptions.register(await login(world, shopper.phoneNumber), input(tablet));
    await world.services.pushSubscriptions.register(other.caller, input(elsewhere));
    const { hq } = await newPartner(world, "Tokyo Gas");
    const bill = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: `TWO-${shopper.phoneNumber}`, amount: 900, currency: "JPY", dueDate: new Date(clock.now().getTime() + 48 * HOUR) });
    await world.services.outbox.drain();
    for (const browser of [phone, tablet]) expect(push.to(browser.id).map((p) => [p.payload.kind, p.payload.billId])).toEqual([["bill", bill.id]]);
    expect(push.to(elsewhere.id)).toEqual([]);
  });

  it("is off without VAPID keys: nothing is registered", async () => {
    const shopper = await newCustomer(world);
    const off = new PushSubscriptionService({ ...world.deps, vapid: null });
    expect(off.publicKey()).toBeNull();
    expect(await errorCodeOf(off.register(shopper.caller, input(push.subscribe())))).toBe("FORBIDDEN");
    expect(await rows(shopper.customerId)).toEqual([]);
  });
});
