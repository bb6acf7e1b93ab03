import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { OutboxMessageEntity } from "../../src/entities";
import { WEBHOOK_TOPIC } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { insertOutboxRow } from "../support/outbox-rows";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const DAY = 86_400_000;

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(engines)("outbox messages that never get through (%s)", (engine) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let admin: AdminClient;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  beforeAll(async () => {
    receiver = await startWebhookReceiver(); // answers 503 until up()
    // Driven by hand (drain), so retries follow the manual clock.
    server = await startTestServer(engine, { clock, env: { OUTBOX_POLL_MS: "3600000", SESSION_TTL_HOURS: "20000" } });
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  /** A partner whose bill is collected: one webhook event for it. */
  async function billPaidFor(webhookUrl: string, reference: string) {
    const partner = await admin.createPartner("Tokyo Water", webhookUrl);
    const client = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const bill = await client.postBill({
      customerPhone: shopper.phoneNumber,
      reference,
      amount: 3_300,
      currency: "JPY",
      dueDate: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
    });
    await register.collectBill((await shopper.phone.issueBillCode(bill.id, PASSWORD)).code, "CASH", `${reference}-collect`);
    const m = server.app.dataSource.manager;
    const rows = await m.findBy(OutboxMessageEntity, { topic: WEBHOOK_TOPIC, destination: `partner:${partner.id}` });
    expect(rows).toHaveLength(1);
    return { partner, messageId: rows[0].id };
  }

  it("die after OUTBOX_GIVE_UP_AFTER_DAYS of failures, are listed for the admin without payload or secrets, and are not retried", async () => {
    const down = await billPaidFor(receiver.url, "W-1");
    // Connection refused, at a URL that carries a token in its path and query.
    const secretUrl = `http://127.0.0.1:${await closedPort()}/hooks/tok_5ecretPathPart?token=s3cr3t-query-value`;
    const refused = await billPaidFor(secretUrl, "W-2");
    const { outbox } = server.app.services;

    await outbox.drain();
    clock.advance(2 * DAY); // failing, but not for three days yet
    await outbox.drain();
    expect(await admin.deadMessages()).toEqual({ nodes: [], nextCursor: null });
    const triedBefore = receiver.attempts.length;
    expect(triedBefore).toBe(2);

    clock.advance(DAY + 1000);
    await outbox.drain();
    const page = await admin.deadMessages();
    expect(page.nodes.map((n) => n.id)).toEqual([refused.messageId, down.messageId]); // newest first
    expect(page.nodes[1]).toEqual({
      id: down.messageId,
      topic: "partner.webhook",
      destination: `partner:${down.partner.id}`,
      attempts: 3,
      lastError: "Error: webhook answered HTTP 503",
      createdAt: "2026-12-01T09:00:00.000Z",
      diedAt: new Date(clock.now()).toISOString(),
    });
    // In words that never tell what listens there (a closed port reads as a port of another protocol).
    expect(page.nodes[0].lastError).toBe("Error: webhook receiver not reached");
    expect(JSON.stringify(page)).not.toMatch(/5ecret|s3cr3t|hooks/);
    // The type has no payload to ask for.
    await expect(admin.request("{ deadMessages { nodes { payload } } }")).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringContaining('Cannot query field "payload"'),
    });

    // Pages.
    const first = await admin.deadMessages(1);
    expect(first.nodes.map((n) => n.id)).toEqual([refused.messageId]);
    const second = await admin.deadMessages(1, first.nextCursor!);
    expect(second).toEqual({ nodes: [page.nodes[1]], nextCursor: null });
    expect(await errorCodeOf(admin.deadMessages(0))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(admin.deadMessages(5, "not a cursor"))).toBe("BAD_USER_INPUT");

    // Dead: never tried again, however long.
    clock.advance(7 * DAY);
    expect(await outbox.drain()).toBe(0);
    expect(receiver.attempts).toHaveLength(triedBefore + 1); // the attempt that gave up
    expect((await admin.deadMessages()).nodes).toHaveLength(2);
  });

  it("are retried by an admin only: due at once with attempts reset, delivered once", async () => {
    const { outbox } = server.app.services;
    const dead = (await admin.deadMessages()).nodes.find((n) => n.lastError === "Error: webhook answered HTTP 503")!;
    const { register } = await newRegister(server.url);
    expect(await errorCodeOf(register.request("{ deadMessages { nodes { id } } }"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(register.request(`mutation { retryDeadMessage(id: "${dead.id}") { id } }`))).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.retryDeadMessage(randomUUID()))).toBe("NOT_FOUND");
    // A message that is not dead: a sale's report, delivered.
    const shopper = await newShopper(server.url);
    const sale = await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount: 500, currency: "JPY" }, "dead-sale");
    await outbox.drain();
    const report = (await server.app.dataSource.manager.findBy(OutboxMessageEntity, { topic: "institution.report" })).find((r) => r.payload.paymentId === sale.id)!;
    expect(report.deliveredAt).not.toBeNull();
    expect(await errorCodeOf(admin.retryDeadMessage(report.id))).toBe("NOT_FOUND");

    receiver.up();
    const tried = receiver.attempts.length;
    const retried = await admin.retryDeadMessage(dead.id);
    expect(retried).toMatchObject({ id: dead.id, attempts: 0, diedAt: null, lastError: "Error: webhook answered HTTP 503" });
    await outbox.drain(); // the retry's wake-up may already be delivering it
    expect(receiver.delivered).toHaveLength(1);
    expect(receiver.attempts).toHaveLength(tried + 1);
    expect(receiver.delivered[0].headers["x-wallet-event-id"]).toBe(receiver.attempts[0].headers["x-wallet-event-id"]);
    expect((await admin.deadMessages()).nodes.map((n) => n.id)).not.toContain(dead.id);
    expect(await errorCodeOf(admin.retryDeadMessage(dead.id))).toBe("NOT_FOUND"); // delivered now
    clock.advance(DAY);
    expect(await outbox.drain()).toBe(0);
    expect(receiver.delivered).toHaveLength(1);
  });

  it("counts the give-up age of a retried message from its retry", async () => {
    const { outbox } = server.app.services;
    const dead = (await admin.deadMessages()).nodes[0]; // the refused one: still refused
    await admin.retryDeadMessage(dead.id);
    await outbox.drain();
    clock.advance(2 * DAY);
    await outbox.drain();
    expect((await admin.deadMessages()).nodes).toEqual([]); // failing for two days only
    clock.advance(DAY + 1000);
    await outbox.drain();
    expect((await admin.deadMessages()).nodes).toMatchObject([{ id: dead.id, attempts: 3 }]);
  });

  it("lists them newest to die first, a message created earlier that died later ahead, and pages through equal times", async () => {
    const m = server.app.dataSource.manager;
    const row = () => insertOutboxRow(server.app.dataSource, { topic: "test.dead-order", payload: {}, now: clock.now() });
    // Created in this order; the first dies last, the other two at one moment.
    const [early, middle, late] = [await row(), await row(), await row()];
    const died = clock.now().getTime() + 100 * DAY;
    await m.update(OutboxMessageEntity, { id: early.id }, { deadAt: new Date(died + 1000), lastError: "Error: gone" });
    await m.update(OutboxMessageEntity, { id: middle.id }, { deadAt: new Date(died), lastError: "Error: gone" });
    await m.update(OutboxMessageEntity, { id: late.id }, { deadAt: new Date(died), lastError: "Error: gone" });
    const tied = [middle.id, late.id].sort().reverse();
    const expected = [early.id, ...tied];
    expect((await admin.deadMessages(3)).nodes.map((n) => n.id)).toEqual(expected);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const { nodes, nextCursor } = await admin.deadMessages(1, after);
      seen.push(...nodes.map((n) => n.id));
      after = nextCursor!;
    }
    expect(seen).toEqual(expected);
  });
  it("are deleted RETENTION_DEAD_MESSAGES_DAYS after they died, but the card network's, which wait for an admin however long", async () => {
    const m = server.app.dataSource.manager;
    const { retention } = server.app.services;
    // A reversal the card network never took: money it has not heard of.
    const reversal = await insertOutboxRow(server.app.dataSource, { topic: "institution.reverse", payload: { paymentId: randomUUID() }, now: clock.now() });
    await m.update(OutboxMessageEntity, { id: reversal.id }, { deadAt: clock.now(), lastError: "Error: gone" });
    const dead = async () => (await admin.deadMessages(100)).nodes.map((n) => n.id).sort();
    const all = await dead();
    // The webhook refused at the last test died then; the three of the test before die 100 days on.
    const [refused] = (await admin.deadMessages(100)).nodes.filter((n) => n.topic === "partner.webhook").map((n) => n.id);
    expect(refused).toBeDefined();

    clock.advance(29 * DAY);
    expect((await retention.sweep()).failed).toEqual([]);
    expect(await dead()).toEqual(all);

    clock.advance(2 * DAY);
    await retention.sweep();
    expect(await dead()).toEqual(all.filter((id) => id !== refused));

    clock.advance(200 * DAY);
    await retention.sweep();
    expect(await dead()).toEqual([reversal.id]);
    clock.advance(3650 * DAY);
    await retention.sweep();
    expect(await dead()).toEqual([reversal.id]);
  });
});
