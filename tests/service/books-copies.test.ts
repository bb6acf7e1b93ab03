import { verifyTreeHead, type TreeHead } from "../../clients/wire/receipt";
import { ManualClock } from "../../src/clock";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { approvedSale, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { startWebhookReceiver } from "../support/webhook-receiver";

const COPY_MS = 60_000;

/**
 * The books.sealed webhook on both engines: who may opt in, and what it costs. Heads are
 * signed every few seconds; a receiver gets at most one message per BOOKS_COPY_MS, only
 * when the books grew, never a second while one still waits, and each carries the latest
 * signed head when it is sent, signed like every webhook.
 */
describe.each(engines)("the books.sealed webhook (%s)", (engine) => {
  let world: ServiceWorld;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const clock = new ManualClock(new Date("2026-12-01T10:00:00Z"));

  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { BOOKS_HEAD_MS: "100", BOOKS_COPY_MS: String(COPY_MS) } });
    await world.services.receiptKeys.record();
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await receiver.close();
    await world.close();
  });

  const seal = async () => {
    clock.advance(200);
    await world.services.sealer.sealOnce();
  };
  const messages = () =>
    world.deps.db.select<{ id: string; destination: string; deliveredAt: unknown }>("SELECT id, destination, deliveredAt FROM outbox_messages WHERE topic = 'books.sealed' ORDER BY id", []);
  const codeOf = (work: Promise<unknown>) => work.then(() => "none", (error: { code?: string }) => error.code);

  it("lets a partner opt itself in and the admin a partner or a store; refuses a receiver without a webhook URL, a register, and a stranger's id", async () => {
    const { hq, partner } = await newPartner(world, "Keeps Books Inc.", receiver.url);
    expect(await world.services.booksCopies.keepBooksCopy(hq, true)).toBe(true);
    expect(await world.services.booksCopies.keepBooksCopy(hq, true)).toBe(true); // again: no change
    const { store, register } = await newStore(world, { name: "Copy Mart", webhookUrl: receiver.url });
    expect(await world.services.booksCopies.keepBooksCopy(world.admin, true, store.id)).toBe(true);
    expect(await world.services.booksCopies.keepBooksCopy(world.admin, true, partner.id)).toBe(true);
    const rows = await world.deps.db.select<{ destination: string }>("SELECT destination FROM books_copies ORDER BY destination", []);
    expect(rows.map((row) => row.destination).sort()).toEqual([`partner:${partner.id}`, `store:${store.id}`].sort());

    const { hq: noUrl } = await newPartner(world, "No Hooks Ltd.");
    expect(await codeOf(world.services.booksCopies.keepBooksCopy(noUrl, true))).toBe("BAD_USER_INPUT");
    expect(await codeOf(world.services.booksCopies.keepBooksCopy(register, true))).toBe("FORBIDDEN");
    expect(await codeOf(world.services.booksCopies.keepBooksCopy(hq, true, store.id))).toBe("FORBIDDEN");
    expect(await codeOf(world.services.booksCopies.keepBooksCopy(world.admin, true))).toBe("BAD_USER_INPUT");
    expect(await codeOf(world.services.booksCopies.keepBooksCopy(world.admin, true, "0190f000-0000-7000-8000-000000000000"))).toBe("NOT_FOUND");

    // Opted out again, for the test below to start from nothing.
    expect(await world.services.booksCopies.keepBooksCopy(hq, false)).toBe(false);
    expect(await world.services.booksCopies.keepBooksCopy(world.admin, false, store.id)).toBe(false);
    expect(await world.deps.db.select("SELECT destination FROM books_copies", [])).toEqual([]);
  });

  it("writes a message only when the books grew, one per receiver per BOOKS_COPY_MS, none beside one still waiting; each carries the latest head, signed", async () => {
    const { hq, webhookSecret: partnerSecret } = await newPartner(world, "Auditor Partner", receiver.url);
    const { store, webhookSecret: storeSecret } = await newStore(world, { name: "Auditor Store", webhookUrl: receiver.url });
    await world.services.booksCopies.keepBooksCopy(hq, true);
    await world.services.booksCopies.keepBooksCopy(world.admin, true, store.id);
    await seal();
    await seal(); // a head signed again over the same receipts: nothing new for a copy
    expect(await messages()).toEqual([]);

    await approvedSale(world, 100);
    await seal();
    expect((await messages()).length).toBe(2);
    await approvedSale(world, 200);
    await seal(); // grew, but within BOOKS_COPY_MS of the last
    expect((await messages()).length).toBe(2);
    clock.advance(COPY_MS);
    await approvedSale(world, 300);
    await seal(); // due again, but the messages before still wait (nobody delivered them)
    expect((await messages()).length).toBe(2);

    await world.services.outbox.drain();
    const latest = (await world.services.books.latestHead())!;
    const copies = receiver.delivered.filter((hook) => JSON.parse(hook.body).type === "books.sealed");
    expect(copies.length).toBe(2);
    const keys = await world.services.receiptKeys.keySet();
    const secrets = [partnerSecret!, storeSecret!];
    for (const hook of copies) {
      const body = JSON.parse(hook.body) as { type: string; data: TreeHead };
      // The latest head when it was sent, not the one that was new when it was written.
      expect(body.data).toEqual(latest);
      expect(await verifyTreeHead(body.data, keys)).toBe(true);
      const signed = (secret: string) =>
        verifyWebhook(secret, { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) }, hook.body, Math.floor(clock.now().getTime() / 1000));
      expect(secrets.filter(signed).length).toBe(1);
    }

    clock.advance(COPY_MS);
    await approvedSale(world, 400);
    await seal();
    expect((await messages()).length).toBe(4);
    // Opted out: no more, not even the message already written for it.
    await world.services.booksCopies.keepBooksCopy(hq, false);
    clock.advance(COPY_MS);
    const before = receiver.delivered.length;
    await world.services.outbox.drain();
    const sent = receiver.delivered.slice(before).filter((hook) => JSON.parse(hook.body).type === "books.sealed");
    expect(sent.length).toBe(1);
    expect(verifyWebhook(storeSecret!, { timestamp: String(sent[0].headers["x-wallet-timestamp"]), signature: String(sent[0].headers["x-wallet-signature"]) }, sent[0].body, Math.floor(clock.now().getTime() / 1000))).toBe(true);
    await approvedSale(world, 500);
    await seal();
    const destinations = (await messages()).map((m) => m.destination);
    expect(destinations.filter((d) => d.startsWith("partner:")).length).toBe(2);
    expect(destinations.filter((d) => d.startsWith("store:")).length).toBe(3);
  });
});
