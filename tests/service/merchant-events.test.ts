import { ManualClock } from "../../src/clock";
import { BillEntity, OutboxMessageEntity, PaymentEntity, TicketEntity, WebhookEventEntity } from "../../src/entities";
import type { PaymentStatus } from "../../src/entities/value-lists";
import type { Caller } from "../../src/services/kernel/caller";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS, errorCodeOf } from "../support/test-data";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * What a store's back office and a biller read besides their webhooks: the event list
 * (each event the body its webhook has), bill.overdue told once per bill however many
 * sweeps race, searches with cursors, and payouts by day and institution.
 */
describe.each(engines)("events, overdue bills, searches and payouts (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-11-24T10:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RETENTION_IDEMPOTENCY_HOURS: "24" } });
  });
  afterAll(() => world.close());

  const at = (ms: number) => new Date(clock.now().getTime() + ms);
  const listed = (receiver: string) =>
    world.deps.db.read((m) => m.find(WebhookEventEntity, { where: { receiver }, order: { id: "ASC" } }));
  const outboxOf = (destination: string) =>
    world.deps.db.read((m) => m.find(OutboxMessageEntity, { where: { destination, topic: "partner.webhook" }, order: { id: "ASC" } }));

  async function pay(customer: Customer, register: Caller, amount: number, key: string, cardId = customer.card.id) {
    const { code } = await world.services.codes.issuePaymentCode(customer.caller, cardId, PASSWORD, null);
    return world.services.payments.redeemCode(register, code, { amount, currency: "JPY", reference: key }, key);
  }

  describe("bill.overdue", () => {
    it("tells each bill that fell due unpaid once, however many sweeps race, and never a paid, cancelled or not yet due one", async () => {
      const { partner, hq } = await newPartner(world, "Tokyo Water");
      const shopper = await newCustomer(world);
      const { register } = await newStore(world);
      const post = (reference: string, dueInMs: number) =>
        world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference, amount: 3_300, currency: "JPY", dueDate: at(dueInMs) });
      const late = await Promise.all(["L-1", "L-2", "L-3"].map((reference) => post(reference, DAY)));
      const paid = await post("P-1", DAY);
      const cancelled = await post("C-1", DAY);
      const later = await post("N-1", 10 * DAY);
      const { code } = await world.services.bills.issueBillCode(shopper.caller, paid.id, PASSWORD);
      await world.services.bills.collectBill(register, code, "CASH", "collect-p1");
      await world.services.bills.cancelBill(hq, cancelled.reference);
      expect(await world.services.overdueSweep.sweep()).toBe(0); // nothing is due yet

      clock.advance(DAY + 1);
      // Five sweeps at once (on MySQL, two of them on a second instance of the same deployment).
      const second = engine === "mysql" ? await serviceWorld(engine, { clock, deployment: world.deployment }) : null;
      try {
        const sweeps = [world, world, world, second ?? world, second ?? world].map((w) => w.services.overdueSweep.sweep());
        const told = await Promise.all(sweeps);
        expect(told.reduce((sum, n) => sum + n, 0)).toBe(3);
      } finally {
        await second?.close();
      }
      expect(await world.services.overdueSweep.sweep()).toBe(0);

      const events = await listed(`partner:${partner.id}`);
      const overdue = events.filter((e) => e.type === "bill.overdue").map((e) => JSON.parse(e.body) as { id: string; type: string; data: Record<string, unknown> });
      expect(overdue.map((e) => e.data.reference).sort()).toEqual(["L-1", "L-2", "L-3"]);
      expect(overdue[0].data).toMatchObject({ status: "OVERDUE", amount: 3_300, paidAt: null, billerName: "Tokyo Water" });
      // One outbox message per event, carrying the very body the list keeps.
      const messages = (await outboxOf(`partner:${partner.id}`)).filter((m) => m.payload.type === "bill.overdue");
      expect(messages.map((m) => m.payload.body).sort()).toEqual(events.filter((e) => e.type === "bill.overdue").map((e) => e.body).sort());
      expect(new Set(overdue.map((e) => e.id)).size).toBe(3);

      // The bill due later is told once its day comes, and only then.
      clock.advance(9 * DAY);
      expect(await world.services.overdueSweep.sweep()).toBe(1);
      const again = (await listed(`partner:${partner.id}`)).filter((e) => e.type === "bill.overdue");
      expect(again.map((e) => (JSON.parse(e.body) as { data: { reference: string } }).data.reference)).toContain(later.reference);
      expect(late.map((b) => b.id)).toHaveLength(3);
    });
  });

  describe("the event list", () => {
    it("lists the caller's own events newest first, by type, in pages, and sends one again with the same id and body", async () => {
      const hooked = await newStore(world, { name: "Lawson Ebisu", webhookUrl: "http://127.0.0.1:9/hooks" });
      const other = await newStore(world, { name: "Lawson Meguro", webhookUrl: "http://127.0.0.1:9/hooks" });
      const shopper = await newCustomer(world);
      const sale = await pay(shopper, hooked.register, 1_000, "E-1");
      await world.services.payments.refundPayment(hooked.register, sale.id, "refund-e1", 400);
      const voided = await pay(shopper, hooked.register, 500, "E-2");
      await world.services.payments.voidPayment(hooked.register, voided.id, "void-e2");

      const all = await world.services.events.list(hooked.register, 20, null, null);
      expect(all.nodes.map((e) => e.type)).toEqual(["payment.voided", "payment.approved", "payment.refunded", "payment.approved"]);
      expect(all.nextCursor).toBeNull();
      const stored = await listed(`store:${hooked.store.id}`);
      // Each node is the row written beside its webhook, the body the outbox sends.
      expect(all.nodes.map((e) => e.body).reverse()).toEqual(stored.map((e) => e.body));
      const messages = await outboxOf(`store:${hooked.store.id}`);
      expect(messages.map((m) => m.payload.body)).toEqual(stored.map((e) => e.body));
      for (const node of all.nodes) expect(JSON.parse(node.body)).toMatchObject({ id: node.id, type: node.type, createdAt: node.createdAt.toISOString() });

      const first = await world.services.events.list(hooked.register, 3, null, null);
      const rest = await world.services.events.list(hooked.register, 3, first.nextCursor, null);
      expect([...first.nodes, ...rest.nodes].map((e) => e.id)).toEqual(all.nodes.map((e) => e.id));
      expect(rest.nextCursor).toBeNull();
      expect((await world.services.events.list(hooked.register, 20, null, ["payment.refunded", "payment.voided"])).nodes.map((e) => e.type)).toEqual([
        "payment.voided",
        "payment.refunded",
      ]);

      // Another store sees none of them, and cannot send them again.
      expect((await world.services.events.list(other.register, 20, null, null)).nodes).toEqual([]);
      expect(await errorCodeOf(world.services.events.redeliver(other.register, all.nodes[0].id))).toBe("NOT_FOUND");
      expect(await errorCodeOf(world.services.events.list(shopper.caller, 20, null, null))).toBe("FORBIDDEN");
      expect(await errorCodeOf(world.services.events.list(hooked.register, 0, null, null))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(world.services.events.list(hooked.register, 20, "not a cursor", null))).toBe("BAD_USER_INPUT");

      // Three requests at once send it again once; the others wait a minute.
      const again = await Promise.allSettled([1, 2, 3].map(() => world.services.events.redeliver(hooked.register, all.nodes[1].id)));
      expect(again.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual([all.nodes[1]]);
      expect(await Promise.all(again.filter((r) => r.status === "rejected").map((r) => errorCodeOf(Promise.reject((r as PromiseRejectedResult).reason))))).toEqual([
        "RATE_LIMITED",
        "RATE_LIMITED",
      ]);
      const resentBodies = async () => (await outboxOf(`store:${hooked.store.id}`)).filter((m) => m.payload.eventId === all.nodes[1].id).map((m) => m.payload.body);
      expect(await resentBodies()).toEqual([all.nodes[1].body, all.nodes[1].body]);
      clock.advance(60_000);
      expect(await world.services.events.redeliver(hooked.register, all.nodes[1].id)).toEqual(all.nodes[1]);
      expect(await resentBodies()).toEqual([all.nodes[1].body, all.nodes[1].body, all.nodes[1].body]);
    });

    it("lists only the moves that happened when a void and refunds race on one payment: each winner's event, the same as its webhook", async () => {
      const hooked = await newStore(world, { name: "Lawson Racing", webhookUrl: "http://127.0.0.1:9/hooks" });
      const shopper = await newCustomer(world);
      for (let round = 0; round < 5; round++) {
        const sale = await pay(shopper, hooked.register, 1_000, `RACE-${round}`);
        const moves = await Promise.allSettled([
          world.services.payments.voidPayment(hooked.register, sale.id, `race-void-${round}`),
          world.services.payments.refundPayment(hooked.register, sale.id, `race-refund-a-${round}`, 600),
          world.services.payments.refundPayment(hooked.register, sale.id, `race-refund-b-${round}`, 600),
        ]);
        const won = moves.map((m, i) => (m.status === "fulfilled" ? ["payment.voided", "payment.refunded", "payment.refunded"][i] : null)).filter(Boolean);
        const bodies = (await listed(`store:${hooked.store.id}`)).map((e) => JSON.parse(e.body) as { type: string; data: { id: string } });
        const ofSale = bodies.filter((b) => b.data.id === sale.id && b.type !== "payment.approved").map((b) => b.type);
        // A void wins alone; otherwise at most one refund of 600 fits in 1,000.
        expect(won.length).toBe(1);
        expect(ofSale).toEqual(won);
      }
      const stored = await listed(`store:${hooked.store.id}`);
      const messages = await outboxOf(`store:${hooked.store.id}`);
      expect(messages.map((m) => m.payload.body)).toEqual(stored.map((e) => e.body));
    });

    it("keeps an event as long as idempotency records, then the sweep deletes it", async () => {
      const { partner, hq } = await newPartner(world, "Kept Co.");
      const shopper = await newCustomer(world);
      await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: "K-1", amount: 100, currency: "JPY", dueDate: at(HOUR) });
      clock.advance(HOUR + 1);
      expect(await world.services.overdueSweep.sweep()).toBeGreaterThanOrEqual(1);
      expect(await listed(`partner:${partner.id}`)).toHaveLength(1);
      clock.advance(23 * HOUR);
      await world.services.retention.sweep();
      expect(await listed(`partner:${partner.id}`)).toHaveLength(1);
      clock.advance(2 * HOUR);
      const swept = await world.services.retention.sweep();
      expect(swept.deleted.webhook_events).toBeGreaterThanOrEqual(1);
      expect(await listed(`partner:${partner.id}`)).toHaveLength(0);
    });
  });

  describe("searches", () => {
    it("finds a store's payments by reference, status, amount and time, newest first, page by page", async () => {
      const { register } = await newStore(world);
      const { register: elsewhere } = await newStore(world);
      const shopper = await newCustomer(world);
      const made: Array<{ id: string; amount: number; status: PaymentStatus }> = [];
      const started = clock.now();
      for (let i = 1; i <= 7; i++) {
        const payment = await pay(shopper, register, i * 100, `S-${i}`);
        made.push(payment);
        clock.advance(60_000);
      }
      const voided = await world.services.payments.voidPayment(register, made[2].id, "void-s3");
      made[2] = voided;
      await pay(shopper, elsewhere, 300, "S-3");
      const newestFirst = [...made].reverse().map((p) => p.id);
      const search = (filter: Parameters<typeof world.services.paymentSearch.search>[1], first = 20, after: string | null = null) =>
        world.services.paymentSearch.search(register, filter, first, after);

      expect((await search({})).nodes.map((p) => p.id)).toEqual(newestFirst);
      expect((await search({ reference: "S-3" })).nodes.map((p) => p.id)).toEqual([made[2].id]);
      expect((await search({ statuses: ["VOIDED"] })).nodes.map((p) => p.id)).toEqual([made[2].id]);
      expect((await search({ statuses: ["APPROVED", "VOIDED"], minAmount: 200, maxAmount: 400 })).nodes.map((p) => p.amount)).toEqual([400, 300, 200]);
      // Minutes 2 to 4 after the first sale: the third, fourth and fifth.
      const range = { from: new Date(started.getTime() + 2 * 60_000), to: new Date(started.getTime() + 5 * 60_000) };
      expect((await search(range)).nodes.map((p) => p.amount)).toEqual([500, 400, 300]);

      const pages: string[] = [];
      let after: string | null = null;
      do {
        const page = await search({}, 3, after);
        expect(page.nodes.length).toBeLessThanOrEqual(3);
        pages.push(...page.nodes.map((p) => p.id));
        after = page.nextCursor;
      } while (after);
      expect(pages).toEqual(newestFirst);

      expect(await errorCodeOf(search({ minAmount: 500, maxAmount: 100 }))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(search({ from: range.to, to: range.from }))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(search({}, 101))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(search({}, 20, "bm90IGEgY3Vyc29y"))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(world.services.paymentSearch.search(shopper.caller, {}, 20, null))).toBe("FORBIDDEN");
    });

    it("finds a biller's bills by reference, status (OVERDUE too), amount and posting time, page by page", async () => {
      const { hq } = await newPartner(world, "Tokyo Gas");
      const { hq: otherBiller } = await newPartner(world, "Osaka Gas");
      const shopper = await newCustomer(world);
      const post = (biller: Caller, reference: string, amount: number, dueInMs: number) =>
        world.services.bills.postBill(biller, { customerPhone: shopper.phoneNumber, reference, amount, currency: "JPY", dueDate: at(dueInMs) });
      const soon = await post(hq, "G-1", 1_000, HOUR);
      clock.advance(60_000);
      const laterAt = clock.now();
      const later = await post(hq, "G-2", 2_000, 10 * DAY);
      clock.advance(60_000);
      const cancelled = await post(hq, "G-3", 3_000, 10 * DAY);
      await world.services.bills.cancelBill(hq, "G-3");
      await post(otherBiller, "G-1", 1_000, 10 * DAY);
      clock.advance(HOUR);
      const search = (filter: Parameters<typeof world.services.billSearch.search>[1], first = 20, after: string | null = null) =>
        world.services.billSearch.search(hq, filter, first, after);

      expect((await search({})).nodes.map((b) => b.id)).toEqual([cancelled.id, later.id, soon.id]);
      expect((await search({ reference: "G-1" })).nodes.map((b) => [b.id, b.status])).toEqual([[soon.id, "OVERDUE"]]);
      expect((await search({ status: "OVERDUE" })).nodes.map((b) => b.id)).toEqual([soon.id]);
      expect((await search({ status: "OPEN" })).nodes.map((b) => b.id)).toEqual([later.id]);
      expect((await search({ status: "CANCELLED" })).nodes.map((b) => b.id)).toEqual([cancelled.id]);
      expect((await search({ minAmount: 1_500 })).nodes.map((b) => b.amount)).toEqual([3_000, 2_000]);
      expect((await search({ from: laterAt, to: new Date(laterAt.getTime() + 1) })).nodes.map((b) => b.id)).toEqual([later.id]);
      const first = await search({}, 2);
      const rest = await search({}, 2, first.nextCursor);
      expect([...first.nodes, ...rest.nodes].map((b) => b.id)).toEqual([cancelled.id, later.id, soon.id]);
      expect(rest.nextCursor).toBeNull();
      expect(await errorCodeOf(world.services.billSearch.search(shopper.caller, {}, 20, null))).toBe("FORBIDDEN");
    });
  });

  describe("ticket search", () => {
    it("finds a ticket shop's tickets by issue number, event, status and posting time, page by page", async () => {
      const { hq: shop } = await newPartner(world, "Budokan Tickets");
      const { hq: otherShop } = await newPartner(world, "Osaka-jo Hall Tickets");
      const fan = await newCustomer(world);
      const event = async (partner: Caller, title: string) => {
        const doors = clock.now().getTime() + 30 * DAY;
        return world.services.ticketEvents.createEvent(partner, { title, venue: "Nippon Budokan", doorsOpenAt: new Date(doors), startsAt: new Date(doors + HOUR) });
      };
      const [winter, spring] = [await event(shop, "Winter Live"), await event(shop, "Spring Live")];
      const post = async (eventId: string, issueNumber: string, partner: Caller = shop) => {
        const view = await world.services.tickets.postTicket(partner, { eventId, issueNumber, holderPhone: fan.phoneNumber });
        clock.advance(60_000);
        return view.ticket.id;
      };
      const postedAt = clock.now();
      const a = await post(winter.id, "BDK-1");
      const b = await post(winter.id, "BDK-2");
      const c = await post(spring.id, "BDK-3");
      await post((await event(otherShop, "Elsewhere")).id, "BDK-1", otherShop);
      await world.services.tickets.revokeTicket(shop, "BDK-2");
      const search = (filter: Parameters<typeof world.services.ticketSearch.search>[1], first = 20, after: string | null = null) =>
        world.services.ticketSearch.search(shop, filter, first, after);
      const ids = async (filter: Parameters<typeof search>[0]) => (await search(filter)).nodes.map((v) => v.ticket.id);

      expect(await ids({})).toEqual([c, b, a]);
      expect(await ids({ issueNumber: "BDK-1" })).toEqual([a]);
      expect(await ids({ eventId: winter.id })).toEqual([b, a]);
      expect(await ids({ status: "REVOKED" })).toEqual([b]);
      expect(await ids({ status: "USABLE", eventId: winter.id })).toEqual([a]);
      expect(await ids({ from: new Date(postedAt.getTime() + 60_000), to: new Date(postedAt.getTime() + 120_000) })).toEqual([b]);
      expect((await search({ issueNumber: "BDK-3" })).nodes[0].event.title).toBe("Spring Live");
      const first = await search({}, 2);
      const rest = await search({}, 2, first.nextCursor);
      expect([...first.nodes, ...rest.nodes].map((v) => v.ticket.id)).toEqual([c, b, a]);
      expect(rest.nextCursor).toBeNull();
      expect(await errorCodeOf(world.services.ticketSearch.search(fan.caller, {}, 20, null))).toBe("FORBIDDEN");
    });
  });

  describe("payouts", () => {
    it("sums what a Tokyo store is owed per day of its own and per institution: sales less refunds and voids, across midnight", async () => {
      clock.set(new Date("2026-12-20T14:50:00Z")); // 23:50 on 20 December in Tokyo
      const { store, register } = await newStore(world, { name: "Lawson Shibuya", timeZone: "Asia/Tokyo" });
      const shopper = await newCustomer(world);
      const added = await world.services.cards.addCard(shopper.caller, {
        pan: TEST_CARDS.mastercard,
        expiryMonth: 12,
        expiryYear: clock.now().getUTCFullYear() + 3,
        holderName: "HANAKO YAMADA",
        kind: "CREDIT",
        institution: "Other Bank",
      });
      const other = await world.services.cards.setCardStatus(shopper.caller, added.id, "AVAILABLE", PASSWORD);

      const first = await pay(shopper, register, 1_000, "D1-a");
      await pay(shopper, register, 700, "D1-b", other.id);
      clock.set(new Date("2026-12-20T15:10:00Z")); // 00:10 on 21 December in Tokyo; still 20 December in UTC
      const second = await pay(shopper, register, 2_000, "D2-a");
      await world.services.payments.refundPayment(register, first.id, "refund-d1", 300); // yesterday's sale, today's refund
      await world.services.payments.voidPayment(register, second.id, "void-d2");
      await pay(shopper, register, 5_000, "D2-b", other.id);

      const payouts = await world.services.storePayouts.payouts(register, "2026-12-20", "2026-12-21", null);
      expect(payouts).toEqual([
        { date: "2026-12-20", institution: "Other Bank", currency: "JPY", sales: 1, amountApproved: 700, amountRefunded: 0, amountVoided: 0, net: 700 },
        { date: "2026-12-20", institution: "Test Card Co.", currency: "JPY", sales: 1, amountApproved: 1_000, amountRefunded: 0, amountVoided: 0, net: 1_000 },
        { date: "2026-12-21", institution: "Other Bank", currency: "JPY", sales: 1, amountApproved: 5_000, amountRefunded: 0, amountVoided: 0, net: 5_000 },
        { date: "2026-12-21", institution: "Test Card Co.", currency: "JPY", sales: 1, amountApproved: 2_000, amountRefunded: 300, amountVoided: 2_000, net: -300 },
      ]);
      // The day report sums the same rows.
      const report = await world.services.storeReports.report(register, "2026-12-21");
      const day2 = payouts.filter((p) => p.date === "2026-12-21");
      expect(report.amountApproved - report.amountRefunded - report.amountVoided).toBe(day2.reduce((sum, p) => sum + p.net, 0));

      const csv = await world.services.storePayouts.export(register, "2026-12-20", "2026-12-21", null, "CSV");
      expect(csv.split("\n")).toEqual([
        "date,institution,currency,sales,amountApproved,amountRefunded,amountVoided,net",
        "2026-12-20,Other Bank,JPY,1,700,0,0,700",
        "2026-12-20,Test Card Co.,JPY,1,1000,0,0,1000",
        "2026-12-21,Other Bank,JPY,1,5000,0,0,5000",
        "2026-12-21,Test Card Co.,JPY,1,2000,300,2000,-300",
        "",
      ]);
      expect(JSON.parse(await world.services.storePayouts.export(register, "2026-12-20", "2026-12-21", null, "JSON"))).toEqual(payouts);
      // The back office asks for any store; a register only for its own.
      expect(await world.services.storePayouts.payouts(world.admin, "2026-12-21", "2026-12-21", store.id)).toEqual(day2);
      const { register: stranger } = await newStore(world);
      expect(await errorCodeOf(world.services.storePayouts.payouts(stranger, "2026-12-20", "2026-12-21", store.id))).toBe("NOT_FOUND");
      expect(await world.services.storePayouts.payouts(stranger, "2026-12-20", "2026-12-21", null)).toEqual([]);
      expect(await errorCodeOf(world.services.storePayouts.payouts(register, "2026-12-21", "2026-12-20", null))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(world.services.storePayouts.payouts(register, "2026-01-01", "2026-12-21", null))).toBe("BAD_USER_INPUT");
      expect(await errorCodeOf(world.services.storePayouts.payouts(register, "yesterday", "2026-12-20", null))).toBe("BAD_USER_INPUT");
    });

    it("counts each refund once when refunds race, and the payout equals what the ledger holds", async () => {
      clock.set(new Date("2026-12-25T03:00:00Z"));
      const { register } = await newStore(world, { timeZone: "Asia/Tokyo" });
      const shopper = await newCustomer(world);
      const sale = await pay(shopper, register, 1_000, "R-1");
      // Three refunds of 400 at once: the amount allows two.
      const results = await Promise.allSettled([1, 2, 3].map((i) => world.services.payments.refundPayment(register, sale.id, `race-${i}`, 400)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
      const [payout] = await world.services.storePayouts.payouts(register, "2026-12-25", "2026-12-25", null);
      expect(payout).toMatchObject({ amountApproved: 1_000, amountRefunded: 800, net: 200 });
    });
  });

  describe("indexes", () => {
    let receiver = "";
    /** Each read of these features, with the index it must go through (docs/events.md); cursors are real ones, from the newest rows. */
    async function reads() {
      const m = world.deps.db.dataSource.manager;
      const now = clock.now();
      const newest = async <E extends { id: string; createdAt: Date }>(entity: new () => E) =>
        (await m.getRepository(entity).createQueryBuilder("x").orderBy("x.createdAt", "DESC").addOrderBy("x.id", "DESC").limit(1).getOne())!;
      const [payment, bill, ticket] = [await newest(PaymentEntity), await newest(BillEntity), await newest(TicketEntity)];
      const cursor = (row: { id: string; createdAt: Date }) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
      const id = payment.storeId;
      const built = (name: string, qb: { getQueryAndParameters(): [string, unknown[]] }, index: string | string[], sorts = false) => {
        const [sql, params] = qb.getQueryAndParameters();
        return { name, sql, params, index: [index].flat(), sorts };
      };
      const { paymentSearch, billSearch, bills, ticketSearch, events, storeDays, overdueSweep } = world.services;
      const pick = overdueSweep.overdue.pick(now);
      return [
        built("payments, newest first, a page after a cursor", paymentSearch.query(m, id, { from: new Date(0) }, 20, cursor(payment)), "IDX_payments_store_created"),
        built("payments of one status", paymentSearch.query(m, id, { statuses: ["APPROVED"] }, 20, null), "IDX_payments_store_status"),
        built("a payment by reference", paymentSearch.query(m, id, { reference: "IX-7" }, 20, null), "IDX_payments_store_reference"),
        built("bills, newest first", billSearch.query(m, bill.partnerId, { minAmount: 100 }, 20, cursor(bill), now), "IDX_bills_partner_created"),
        built("overdue bills", billSearch.query(m, bill.partnerId, { status: "OVERDUE" }, 20, null, now), "IDX_bills_partner_status"),
        built("a partner's open bills", bills.partnerListQuery(m, bill.partnerId, "OPEN"), "IDX_bills_partner_status"),
        built("tickets, newest first", ticketSearch.query(m, ticket.partnerId, { to: now }, 20, cursor(ticket)), "IDX_tickets_partner_created"),
        built("a receiver's events", events.query(m, receiver, 5, (await listed(receiver)).at(-1)!.id, ["bill.overdue"]), "IDX_webhook_events_receiver"),
        { name: "bills to tell overdue", sql: pick.sql, params: pick.params, index: ["IDX_bills_overdue"], sorts: false },
        // The store's day sums: a range of their primary key.
        { name: "a month's payouts", ...storeDays.betweenQuery(id, "2026-12-01", "2026-12-31", ["SALE", "VOID", "REFUND"]), index: ["sqlite_autoindex_store_day_sums_1"], sorts: false },
      ];
    }

    // SQLite plans by its schema alone. MariaDB plans by its statistics, and on tables this
    // small (one store or partner owns nearly every row) it rightly reads a whole table at
    // times: its plans are checked on a seeded database (tests/integration/query-plans.test.ts).
    const itOnSqlite = engine === "sqlite" ? it : it.skip;
    itOnSqlite("reads each search, the event list, the overdue pick and a day's payouts through its index, never by scanning a table", async () => {
      // A store with a history: a plan on a handful of rows says little.
      const { register } = await newStore(world);
      const shopper = await newCustomer(world);
      for (let i = 0; i < 60; i++) await pay(shopper, register, 100 + i, `IX-${i}`);
      const { hq, partner } = await newPartner(world, "Indexed Co.");
      const doors = clock.now().getTime() + 30 * DAY;
      const concert = await world.services.ticketEvents.createEvent(hq, { title: "Indexed Live", venue: "Hall", doorsOpenAt: new Date(doors), startsAt: new Date(doors + HOUR) });
      for (let i = 0; i < 30; i++) {
        await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: `IXB-${i}`, amount: 100 + i, currency: "JPY", dueDate: at((i % 2 ? -1 : 1) * DAY) });
        await world.services.tickets.postTicket(hq, { eventId: concert.id, issueNumber: `IXT-${i}`, holderPhone: shopper.phoneNumber });
      }
      await world.services.overdueSweep.sweep(); // the bills already due: events of the partner's
      receiver = `partner:${partner.id}`;
      const raw = <R>(sql: string, params: readonly unknown[]): Promise<R[]> =>
        world.deps.db.dataSource.query(sql, params.map((p) => (p instanceof Date ? p.toISOString().replace("T", " ").replace("Z", "") : p)));
      for (const read of await reads()) {
        const steps = (await raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${read.sql}`, read.params)).map((row) => row.detail);
        expect({ read: read.name, scans: steps.filter((s) => /^SCAN /.test(s) || (!read.sorts && /TEMP B-TREE/.test(s))) }).toEqual({ read: read.name, scans: [] });
        expect({ read: read.name, steps }).toEqual({ read: read.name, steps: expect.arrayContaining([expect.stringMatching(new RegExp(`USING (COVERING )?INDEX (${read.index.join("|")})\\b`))]) });
      }
    });
  });
});
