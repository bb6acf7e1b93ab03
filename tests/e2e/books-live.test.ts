import { AdminClient } from "../../clients/admin";
import { BooksClient, type TreeHead } from "../../clients/books";
import type { LiveFeed } from "../../clients/live";
import { PartnerClient } from "../../clients/partner";
import { verifyTreeHead } from "../../clients/wire/receipt";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { ANONYMOUS_SOCKET_LIFETIME_MS } from "../../src/ws/anonymous-sockets";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { mysqlAndRedis, startInstances, type Instances } from "../support/production";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, newRegister, newShopper } from "../support/world";

if (!mysqlAndRedis) {
  process.stdout.write("[books-live] needs MySQL and Redis: SKIPPED\n");
}
const describeIf = mysqlAndRedis ? describe : describe.skip;

/** Heads from `feed` until one satisfies `last` (each `next` bounded, so a silent feed fails). */
async function headsUntil(feed: LiveFeed<TreeHead>, last: (head: TreeHead) => boolean): Promise<TreeHead[]> {
  const heads: TreeHead[] = [];
  for (;;) {
    const head = await feed.next(10_000);
    heads.push(head);
    if (last(head)) return heads;
  }
}

describeIf("the books' live feed across two server processes sharing Redis", () => {
  let instances: Instances;

  beforeAll(async () => {
    instances = await startInstances(2, { BOOKS_SEAL_MS: "100", BOOKS_HEAD_MS: "400" });
  });

  afterAll(async () => {
    expect(await instances.stop()).toEqual([0, 0]);
  });

  it("gives a subscriber without a credential, on either instance, each signed head once, and keeps its socket open", async () => {
    const [first, second] = instances.servers;
    const onFirst = new BooksClient(first.url);
    const onSecond = new BooksClient(second.url);
    const feeds = [onFirst.booksSealed(), onSecond.booksSealed()];
    try {
      await Promise.all(feeds.map((feed) => feed.ready));
      const openedAt = Date.now();
      const shopper = await newShopper(first.url);
      const { register } = await newRegister(second.url);
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      await register.redeemCode(code, { amount: 700, currency: "JPY" }, "books-live-1");

      // Past the few seconds a socket without a credential otherwise lives, with the sale sealed.
      const lived = (head: TreeHead) => head.size >= 1 && Date.parse(head.at) > openedAt + ANONYMOUS_SOCKET_LIFETIME_MS + 1000;
      const [heard, heardToo] = await Promise.all(feeds.map((feed) => headsUntil(feed, lived)));
      const keys = await onFirst.keySet();
      for (const heads of [heard, heardToo]) {
        const signings = heads.map((head) => `${head.size}@${head.at}`);
        expect(new Set(signings).size).toBe(signings.length);
        const unverified: TreeHead[] = [];
        for (const head of heads) if (!(await verifyTreeHead(head, keys))) unverified.push(head);
        expect({ unverified, keys, all: heads.length }).toEqual({ unverified: [], keys, all: heads.length });
        expect(heads.some((head) => head.size >= 1)).toBe(true);
      }
      expect(onFirst.live.closeCode).toBeNull();
      expect(onSecond.live.closeCode).toBeNull();
      // The same heads reached both: one publication crosses instances, none is made twice.
      const latest = (await onSecond.treeHead())!;
      const common = heard.filter((head) => heardToo.some((other) => other.at === head.at && other.size === head.size));
      expect(common.length).toBeGreaterThan(0);
      expect(latest.size).toBeGreaterThanOrEqual(1);
    } finally {
      for (const feed of feeds) feed.close();
      await onFirst.live.close();
      await onSecond.live.close();
    }
  });
});

describe.each(engines)("the books.sealed webhook through the API (%s)", (engine) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    server = await startTestServer(engine, { env: { BOOKS_SEAL_MS: "100", BOOKS_HEAD_MS: "300", BOOKS_COPY_MS: "200" } });
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("sends a partner that keeps a copy the latest signed head, signed with its webhook secret; a store by the admin likewise", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Copy Keeper", receiver.url);
    const hq = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    expect(await hq.keepBooksCopy(true)).toBe(true);
    const store = await admin.createStore("Copy Corner", "JPY", undefined, { webhookUrl: receiver.url });
    expect(await admin.keepBooksCopy(store.id, true)).toBe(true);
    await expect(admin.keepBooksCopy("0190f000-0000-7000-8000-000000000000", true)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount: 900, currency: "JPY" }, "books-copy-1");

    const books = new BooksClient(server.url);
    const keys = await books.keySet();
    const copies = () => receiver.delivered.filter((hook) => JSON.parse(hook.body).type === "books.sealed");
    const secrets = [partner.webhookSecret!, store.webhookSecret!];
    // Each receiver's: signed with its own secret, carrying a head of the books with the sale in it.
    expect(await eventually(() => secrets.every((secret) => copies().some((hook) => signedWith(secret, hook))), 30_000)).toBe(true);
    for (const hook of copies()) {
      const head = JSON.parse(hook.body).data as TreeHead;
      expect(head.size).toBeGreaterThanOrEqual(1);
      expect(await verifyTreeHead(head, keys)).toBe(true);
    }
  });
});

function signedWith(secret: string, hook: { headers: Record<string, string | string[] | undefined>; body: string }): boolean {
  const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
  return verifyWebhook(secret, headers, hook.body, Math.floor(Date.now() / 1000));
}
