import { OutboxMessageEntity } from "../../src/entities";
import { ManualClock } from "../../src/clock";
import { MIN_IN_FLIGHT_PER_DESTINATION } from "../../src/services/delivery/outbox.service";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { engines } from "../support/databases";
import { insertOutboxRow } from "../support/outbox-rows";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

/** Waits for `check` to hold, up to `ms`; only the dispatch path can make it hold sooner than a poll. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** OUTBOX_INSTITUTION_IN_FLIGHT here: more than a partner's four, fewer than the messages sent. */
const INSTITUTION_IN_FLIGHT = 12;
/** OUTBOX_DESTINATION_MAX_IN_FLIGHT here: what a receiver that answers may be sent at once, at most. */
const DESTINATION_MAX = 24;

describe.each(engines)("outbox messages a hot path delivers itself (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  const simulator = new SimulatedInstitution(5);
  beforeAll(async () => {
    // A poll every ten minutes: within this test only dispatch (or drain) delivers.
    server = await startTestServer(engine, { clock, institution: simulator, env: { OUTBOX_POLL_MS: "600000", OUTBOX_INSTITUTION_IN_FLIGHT: String(INSTITUTION_IN_FLIGHT), OUTBOX_DESTINATION_MAX_IN_FLIGHT: String(DESTINATION_MAX) } });
  });
  afterAll(() => server.close());

  it("reports an approved sale right after its commit, without a poll, and marks it delivered", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount: 800, currency: "JPY" }, "dispatch-1");
    expect(await eventually(() => simulator.reports.some((r) => r.paymentId === payment.id))).toBe(true);
    const m = server.app.dataSource.manager;
    const reportRow = async () => (await m.findBy(OutboxMessageEntity, { topic: "institution.report" })).find((r) => r.payload.paymentId === payment.id);
    expect(await eventually(async () => (await reportRow())?.deliveredAt != null)).toBe(true);
    // Never leased by a poller round (each takes a fresh lease id): still this instance's
    // own lease, the one every message it dispatches carries.
    expect((await reportRow())!.leaseId).toBe(server.app.services.outbox.ownLease);
    expect(simulator.reports.filter((r) => r.paymentId === payment.id)).toHaveLength(1);
  });

  it("leaves a dispatched message its instance never delivered to a poller once the lease runs out", async () => {
    const { outbox } = server.app.services;
    let seen = 0;
    outbox.register("test.orphan", async () => {
      seen++;
    });
    // Inserted as `send` inserts it, then the instance "dies" before delivering it.
    await insertOutboxRow(server.app.dataSource, {
      topic: "test.orphan",
      payload: { n: 1 },
      leaseId: outbox.ownLease,
      lockedUntil: new Date(clock.now().getTime() + outbox.leaseMs),
      now: clock.now(),
    });
    await outbox.drain();
    expect(seen).toBe(0); // still leased to the instance that made it
    clock.advance(61_000);
    await outbox.drain();
    expect(seen).toBe(1);
    await outbox.drain();
    expect(seen).toBe(1);
  });

  it("delivers every dispatched message once, in batches, also under a burst", async () => {
    const { outbox } = server.app.services;
    const seen = new Map<number, number>();
    outbox.register("test.burst", async (payload) => {
      seen.set(Number(payload.n), (seen.get(Number(payload.n)) ?? 0) + 1);
    });
    const { db } = server.app;
    // Two transactions of 60 messages each, delivered once each commits.
    for (const first of [0, 60]) {
      await db.tx(async (tx) => {
        for (let n = first; n < first + 60; n++) outbox.send(tx, "test.burst", { n });
      });
    }
    await outbox.drain();
    expect(seen.size).toBe(120);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    const rows = await server.app.dataSource.manager.findBy(OutboxMessageEntity, { topic: "test.burst" });
    expect(rows.filter((r) => r.deliveredAt !== null && r.leaseId === outbox.ownLease)).toHaveLength(120);
  });

  it("has many of the institution's messages under way at once, and four of any other destination's until it answers", async () => {
    const { outbox } = server.app.services;
    const release: Array<() => void> = [];
    const under = new Map<string, { now: number; most: number; done: number }>();
    const holding = (destination: string) => async () => {
      const count = under.get(destination) ?? { now: 0, most: 0, done: 0 };
      under.set(destination, count);
      count.now++;
      count.most = Math.max(count.most, count.now);
      await new Promise<void>((resolve) => release.push(resolve));
      count.now--;
      count.done++;
    };
    outbox.register("institution.held", holding("institution"));
    outbox.register("heldpartner.held", holding("heldpartner"));
    await server.app.db.tx(async (tx) => {
      for (let n = 0; n < 100; n++) {
        outbox.send(tx, "institution.held", { n });
        outbox.send(tx, "heldpartner.held", { n });
      }
    });
    const institutionLimit = INSTITUTION_IN_FLIGHT;
    expect(await eventually(() => under.get("institution")?.now === institutionLimit && under.get("heldpartner")?.now === MIN_IN_FLIGHT_PER_DESTINATION)).toBe(true);
    // Let every attempt finish as it starts, the poller taking what dispatch left.
    const letGo = setInterval(() => release.splice(0).forEach((resolve) => resolve()), 5);
    try {
      expect(await eventually(async () => {
        await outbox.drain();
        return under.get("institution")?.done === 100 && under.get("heldpartner")?.done === 100;
      }, 20_000)).toBe(true);
    } finally {
      clearInterval(letGo);
    }
    expect(under.get("institution")!.most).toBe(institutionLimit);
    // Once it answered, with messages waiting, it was sent more at once; never past the most.
    expect(under.get("heldpartner")!.most).toBeGreaterThan(MIN_IN_FLIGHT_PER_DESTINATION);
    expect(under.get("heldpartner")!.most).toBeLessThanOrEqual(DESTINATION_MAX);
  });

  it("sends a receiver that answers more at once while its messages wait, up to the most, and one that fails four again", async () => {
    const { outbox } = server.app.services;
    let now = 0;
    let most = 0;
    let failing = false;
    let sinceFailing = 0;
    let mostSinceFailing = 0;
    // Answers in 20 ms, as a web server on the same network would; then fails every request.
    outbox.register("quick.hook", async () => {
      now++;
      most = Math.max(most, now);
      if (failing) mostSinceFailing = Math.max(mostSinceFailing, now);
      await new Promise((resolve) => setTimeout(resolve, 20));
      now--;
      if (failing) {
        sinceFailing++;
        throw new Error("receiver down");
      }
    });
    // As many as one destination's dispatch queue takes: all delivered by this instance, no poll.
    await server.app.db.tx(async (tx) => {
      for (let n = 0; n < 1000; n++) outbox.send(tx, "quick.hook", { n });
    });
    expect(await eventually(() => most === DESTINATION_MAX, 20_000)).toBe(true);

    // The receiver goes down while messages still wait: each failure halves what it is sent, back to four.
    failing = true;
    expect(await eventually(() => sinceFailing >= 40, 20_000)).toBe(true);
    mostSinceFailing = 0;
    const failedBefore = sinceFailing;
    expect(await eventually(() => sinceFailing >= failedBefore + 20, 20_000)).toBe(true);
    expect(mostSinceFailing).toBe(MIN_IN_FLIGHT_PER_DESTINATION);
  });
});
