import { randomUUID } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { OutboxMessageEntity } from "../../src/entities";
import { MIN_IN_FLIGHT_PER_DESTINATION } from "../../src/services/delivery/outbox.service";
import { WEBHOOK_TOPIC, type WebhookEvent } from "../../src/services/delivery/webhooks";
import { CountingInstitution } from "../support/counting-institution";
import { eventually } from "../support/eventually";
import { engines } from "../support/databases";
import { startHoldingReceiver, type HoldingReceiver } from "../support/holding-receiver";
import { insertOutboxRow } from "../support/outbox-rows";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const DAY = 86_400_000;

async function partnerWithWebhook(server: TestServer, url: string) {
  const admin = new AdminClient(server.url, ADMIN_TOKEN);
  const partner = await admin.createPartner("Slow Utility Co.", url);
  return { partner, client: new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key) };
}

/** Posts `count` bills for the shopper, who gets a code for each, and a register collects them: a webhook each. */
async function collectBills(server: TestServer, partner: PartnerClient, count: number, tag: string) {
  const shopper = await newShopper(server.url);
  const { register } = await newRegister(server.url, "JPY", "FamilyMart Meguro");
  for (let n = 0; n < count; n++) {
    const bill = await partner.postBill({
      customerPhone: shopper.phoneNumber,
      reference: `${tag}-${n}`,
      amount: 1_000 + n,
      currency: "JPY",
      dueDate: new Date(Date.now() + 10 * DAY).toISOString(),
    });
    const { code } = await shopper.phone.issueBillCode(bill.id, PASSWORD);
    await register.collectBill(code, "CASH", `${tag}-collect-${n}`);
  }
}

const eventIdOf = (hook: { headers: Record<string, string | string[] | undefined> }) => String(hook.headers["x-wallet-event-id"]);

describe.each(engines)("one slow webhook receiver never delays other deliveries (%s)", (engine) => {
  let server: TestServer;
  let receiver: HoldingReceiver;
  const institution = new CountingInstitution(5);
  beforeAll(async () => {
    receiver = await startHoldingReceiver();
    // A long timeout: the receiver holds its requests as long as the test needs, never
    // long enough for an attempt to be abandoned.
    server = await startTestServer(engine, { institution, env: { OUTBOX_DELIVERY_TIMEOUT_MS: "60000" } });
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  it("delivers a void's reversal and payment reports while every webhook to a slow partner is still unanswered", async () => {
    const { partner, client } = await partnerWithWebhook(server, receiver.url);
    // Twelve bills collected at the store, as many events for the partner...
    await collectBills(server, client, 12, "slow");
    // ...and 120 more waiting for it: more than its queue here takes (50) and one pick (50) together.
    const m = server.app.dataSource.manager;
    for (let n = 0; n < 120; n++) {
      const event = { eventId: randomUUID(), partnerId: partner.id, type: "bill.paid", data: { n }, createdAt: new Date().toISOString() } satisfies WebhookEvent;
      await insertOutboxRow(server.app.dataSource, { topic: WEBHOOK_TOPIC, payload: event as unknown as Record<string, unknown>, destination: `partner:${partner.id}` });
    }
    expect(await eventually(() => receiver.holding === MIN_IN_FLIGHT_PER_DESTINATION)).toBe(true);

    // Meanwhile a store sells, voids one sale and refunds another.
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const pay = async (key: string) => register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount: 900, currency: "JPY" }, key);
    const voided = await pay("slow-void");
    const refunded = await pay("slow-refund");
    expect((await register.voidPayment(voided.id, "slow-void-1")).status).toBe("VOIDED");
    expect((await register.refundPayment(refunded.id, "slow-refund-1")).status).toBe("REFUNDED");
    // And a message only the poller delivers, due after all the partner's.
    const polled = randomUUID();
    await insertOutboxRow(server.app.dataSource, { topic: "institution.reverse", payload: { paymentId: polled } });

    const institutionDone = () =>
      institution.reverseCalls.get(voided.id) === 1 &&
      institution.reverseCalls.get(polled) === 1 &&
      ["SALE", "VOID"].every((kind) => institution.reportCalls.get(`${voided.id}:${kind}`) === 1) &&
      ["SALE", "REFUND"].every((kind) => institution.reportCalls.get(`${refunded.id}:${kind}`) === 1);
    expect(await eventually(institutionDone)).toBe(true);
    // All of it while the slow receiver has answered nothing yet: its first four
    // requests are still held, and the other 128 events wait their turn.
    expect(receiver.answered).toHaveLength(0);
    expect(receiver.holding).toBe(MIN_IN_FLIGHT_PER_DESTINATION);
    expect(receiver.received).toHaveLength(MIN_IN_FLIGHT_PER_DESTINATION);

    // The receiver catches up: every event once. Until it answered, never more than four at a time.
    const heldBeforeAnswering = receiver.stats.maxHeld;
    receiver.release();
    await eventually(() => receiver.answered.length === 132, 90_000);
    expect(receiver.answered).toHaveLength(132);
    expect(new Set(receiver.answered.map(eventIdOf)).size).toBe(132);
    expect(receiver.received).toHaveLength(132);
    expect(heldBeforeAnswering).toBe(MIN_IN_FLIGHT_PER_DESTINATION);
    const hooks = await m.findBy(OutboxMessageEntity, { topic: WEBHOOK_TOPIC, destination: `partner:${partner.id}` });
    expect(hooks).toHaveLength(132);
    expect(await eventually(async () => (await m.findBy(OutboxMessageEntity, { topic: WEBHOOK_TOPIC })).every((row) => row.deliveredAt !== null))).toBe(true);
  });
});

describe.each(engines)("a webhook attempt that times out (%s)", (engine) => {
  let server: TestServer;
  let receiver: HoldingReceiver;
  beforeAll(async () => {
    receiver = await startHoldingReceiver({ holding: false });
    server = await startTestServer(engine, { env: { OUTBOX_DELIVERY_TIMEOUT_MS: "2000" } });
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  it("is abandoned after OUTBOX_DELIVERY_TIMEOUT_MS, retried later and delivered once", async () => {
    const { client } = await partnerWithWebhook(server, receiver.url);
    receiver.holdNext(1);
    await collectBills(server, client, 1, "timeout");
    expect(await eventually(() => receiver.holding === 1)).toBe(true);
    const m = server.app.dataSource.manager;
    const [leased] = await m.findBy(OutboxMessageEntity, { topic: WEBHOOK_TOPIC });
    // Leased past the attempt's timeout, by the margin: no other instance can start it meanwhile.
    expect(leased.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(2000 + 15_000);

    expect(await eventually(() => receiver.answered.length === 1)).toBe(true);
    expect(receiver.stats.abandoned).toBe(1); // the first attempt, closed by its timeout
    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map(eventIdOf)).size).toBe(1);
    const row = await m.findOneByOrFail(OutboxMessageEntity, { id: leased.id });
    expect(row).toMatchObject({ attempts: 1, lastError: "Error: no answer within 2000 ms", deadAt: null });
    expect(await eventually(async () => (await m.findOneByOrFail(OutboxMessageEntity, { id: leased.id })).deliveredAt !== null)).toBe(true);
    await server.app.services.outbox.drain();
    expect(receiver.received).toHaveLength(2);
  });
});
