import { ManualClock } from "../../src/clock";
import { upsertAdding } from "../../src/database";
import { StoreDaySumEntity, type PaymentEntity } from "../../src/entities";
import { fillStoreDaySums } from "../../src/migrations/1766500000000-store-day-sums";
import type { Caller } from "../../src/services/kernel/caller";
import { dateInZone, dayInZone } from "../../src/services/kernel/store-day";
import type { StoreDayKind } from "../../src/services/kernel/store-day-sums.service";
import { engines } from "../support/databases";
import { seededRandom } from "../support/seeded-random";
import { newCustomer, newPartner, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD } from "../support/test-data";

const HOUR = 3_600_000;
const KINDS: StoreDayKind[] = ["SALE", "VOID", "REFUND", "BILL_CASH", "BILL_CARD", "EARN", "REDEEM", "RETURN", "TAKE_BACK"];
/** How the rules refuse a step that no longer applies (a refund past the amount paid, a reversal on another day). */
const REFUSALS = new Set(["BAD_USER_INPUT", "INSUFFICIENT_POINTS", "BILL_NOT_PAYABLE", "PAYMENT_NOT_REFUNDABLE", "PAYMENT_NOT_VOIDABLE", "NOT_FOUND", "CONFLICT"]);

type Figures = Record<string, { count: number; amount: number }>;

/**
 * A store's day sums (kernel/store-day-sums.service.ts) against what summing the rows says, the
 * way the report and payouts read them before there were sums: after a long mixed run of
 * sales, refunds, voids, captures, bills in cash and by card and points, at stores in
 * three time zones (one with a 45-minute offset, one with daylight saving) and across
 * their midnights; again after the migration's fill counts them afresh; and under sales
 * racing at one store.
 */
describe.each(engines)("a store's day sums equal its rows (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2027-03-13T20:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "10000" } });
  });
  afterAll(() => world.close());

  /** A store's figures per day from its rows, over the days from `first` to `last`, each kind and institution apart. */
  async function counted(storeId: string, zone: string, first: string, last: string): Promise<Figures> {
    const figures: Figures = {};
    const add = (day: string, kind: string, institution: string, count: unknown, amount: unknown) => {
      if (Number(count) !== 0) figures[`${day} ${kind} ${institution}`] = { count: Number(count), amount: Number(amount) };
    };
    for (let day = first; day <= last; day = dateInZone(dayInZone(day, zone).to, zone)) {
      const { from, to } = dayInZone(day, zone);
      await world.deps.db.read(async (m) => {
        const range = { storeId, from, to };
        const ledger = await m.query(
          ...m
            .createQueryBuilder()
            .select("l.entryType", "kind")
            .addSelect("p.cardInstitution", "institution")
            .addSelect("COUNT(*)", "count")
            .addSelect("SUM(l.amount)", "amount")
            .from("ledger_entries", "l")
            .innerJoin("payments", "p", "p.id = l.paymentId")
            .where("l.storeId = :storeId AND l.createdAt >= :from AND l.createdAt < :to", range)
            .groupBy("l.entryType")
            .addGroupBy("p.cardInstitution")
            .getQueryAndParameters(),
        );
        for (const r of ledger) add(day, r.kind, r.institution, r.count, r.amount);
        const bills = await m.query(
          ...m
            .createQueryBuilder()
            .select("b.tender", "tender")
            .addSelect("COUNT(*)", "count")
            .addSelect("SUM(b.amount)", "amount")
            .from("bills", "b")
            .where("b.paidAtStoreId = :storeId AND b.paidAt >= :from AND b.paidAt < :to", range)
            .groupBy("b.tender")
            .getQueryAndParameters(),
        );
        for (const r of bills) add(day, `BILL_${r.tender}`, "", r.count, r.amount);
        const points = await m.query(
          ...m
            .createQueryBuilder()
            .select("p.kind", "kind")
            .addSelect("COUNT(*)", "count")
            .addSelect("SUM(p.points)", "amount")
            .from("point_movements", "p")
            .where("p.storeId = :storeId AND p.createdAt >= :from AND p.createdAt < :to", range)
            .groupBy("p.kind")
            .getQueryAndParameters(),
        );
        for (const r of points) add(day, r.kind, "", r.count, r.amount);
      });
    }
    return figures;
  }

  /** Sums moved down to nothing (a collection undone), kept as rows of 0 and read as no figure. */
  const unsummed = new Set<string>();
  /** The same figures from the day sums. */
  async function summed(storeId: string, first: string, last: string): Promise<Figures> {
    const figures: Figures = {};
    for (const s of await world.services.storeDays.between(storeId, first, last, KINDS)) {
      if (s.count !== 0) figures[`${s.day} ${s.kind} ${s.institution}`] = { count: s.count, amount: s.amount };
      else unsummed.add(`${s.day} ${s.kind}`);
    }
    return figures;
  }

  it("keeps every store's day sums equal to its rows through a long mixed run, across midnights, and the migration's fill counts the same", async () => {
    const { partner, hq } = await newPartner(world, "Day Sums Mart");
    const program = await world.services.programs.createProgram(world.admin, { name: "Day Points", partnerId: partner.id, pointsPerUnit: 0.1, pointValue: 1, expiryDays: 365 });
    const zones = ["Asia/Tokyo", "Asia/Kathmandu", "America/New_York"];
    const stores = await Promise.all(zones.map((timeZone) => newStore(world, { name: `Day Sums ${timeZone}`, programId: program.id, timeZone })));
    const shoppers: Customer[] = [];
    for (let i = 0; i < 3; i++) {
      const shopper = await newCustomer(world);
      await world.services.memberships.joinProgram(shopper.caller, program.id);
      shoppers.push(shopper);
    }
    const payCode = async (c: Customer) => (await world.services.codes.issuePaymentCode(c.caller, c.card.id, PASSWORD, null)).code;
    const memberCode = async (c: Customer) => (await world.services.memberships.issueMemberCode(c.caller, program.id, PASSWORD)).code;
    const rnd = seededRandom(34);
    const sales: Array<{ register: Caller; payment: PaymentEntity }> = [];
    const authorized: Array<{ register: Caller; payment: PaymentEntity }> = [];
    const cashBills: Array<{ register: Caller; billId: string }> = [];
    const cardBills: Array<{ register: Caller; payment: PaymentEntity }> = [];
    const started = clock.now();
    let n = 0;
    const key = () => `sums-${++n}`;

    const steps: Record<string, () => Promise<unknown>> = {
      async sale() {
        const { register } = rnd.pick(stores);
        const shopper = rnd.pick(shoppers);
        const points = rnd.next() < 0.4 ? world.services.paymentPoints.requestFor({ memberCode: await memberCode(shopper), redeemPoints: rnd.next() < 0.5 ? 5 : 0 }) : null;
        const payment = await world.services.payments.redeemCode(register, await payCode(shopper), { amount: 100 + Math.floor(rnd.next() * 900), currency: "JPY" }, key(), points);
        if (payment.status === "APPROVED") sales.push({ register, payment });
      },
      async authorize() {
        const { register } = rnd.pick(stores);
        const payment = await world.services.payments.redeemCode(register, await payCode(rnd.pick(shoppers)), { amount: 500, currency: "JPY" }, key(), null, { capture: false });
        authorized.push({ register, payment });
      },
      async captureOrRelease() {
        const held = authorized.shift();
        if (!held) return;
        if (rnd.next() < 0.7) sales.push({ register: held.register, payment: await world.services.payments.capturePayment(held.register, held.payment.id, 300 + Math.floor(rnd.next() * 200), key()) });
        else await world.services.payments.releaseAuthorization(held.register, held.payment.id, key());
      },
      async refund() {
        if (sales.length === 0) return;
        const { register, payment } = rnd.pick(sales);
        await world.services.payments.refundPayment(register, payment.id, key(), 1 + Math.floor(rnd.next() * 200));
      },
      async void() {
        if (sales.length === 0) return;
        const { register, payment } = sales.splice(Math.floor(rnd.next() * sales.length), 1)[0];
        await world.services.payments.voidPayment(register, payment.id, key());
      },
      async settlePoints() {
        const { register } = rnd.pick(stores);
        await world.services.points.settlePoints(register, await memberCode(rnd.pick(shoppers)), 100 + Math.floor(rnd.next() * 900), 0, key());
      },
      async adjust() {
        // Made at no store: no store's day moves (its program stands in the store's place).
        const [membership] = await world.services.memberships.memberships(rnd.pick(shoppers).caller);
        await world.services.pointAdjustments.adjustPoints(hq, program.id, membership.memberNumber, 10, "goodwill", key());
      },
      async collectCash() {
        const { register } = rnd.pick(stores);
        const shopper = rnd.pick(shoppers);
        const bill = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: key(), amount: 1_000 + n, currency: "JPY", dueDate: new Date(clock.now().getTime() + 240 * HOUR) });
        const { code } = await world.services.bills.issueBillCode(shopper.caller, bill.id, PASSWORD);
        await world.services.bills.collectBill(register, code, "CASH", key());
        cashBills.push({ register, billId: bill.id });
      },
      async reverseCash() {
        const collected = cashBills.pop();
        if (collected) await world.services.bills.reverseBillCollection(collected.register, collected.billId, key());
      },
      async collectByCard() {
        const { register } = rnd.pick(stores);
        const shopper = rnd.pick(shoppers);
        const bill = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: key(), amount: 2_000 + n, currency: "JPY", dueDate: new Date(clock.now().getTime() + 240 * HOUR) });
        const { code } = await world.services.bills.issueBillCode(shopper.caller, bill.id, PASSWORD);
        const paid = await world.services.bills.collectBill(register, code, "CARD", key(), await payCode(shopper));
        if (paid.status === "PAID") cardBills.push({ register, payment: (await world.services.payments.list(shopper.caller, 1, null)).nodes[0] });
      },
      async voidCardBill() {
        // Perhaps on a later day than it was paid: it stops counting on the day it was paid.
        const paid = cardBills.shift();
        if (paid) await world.services.payments.voidPayment(paid.register, paid.payment.id, key());
      },
    };
    const names = Object.keys(steps);

    const check = async () => {
      for (const [i, { store }] of stores.entries()) {
        const [first, last] = [dateInZone(started, zones[i]), dateInZone(clock.now(), zones[i])];
        expect({ store: zones[i], figures: await summed(store.id, first, last) }).toEqual({ store: zones[i], figures: await counted(store.id, zones[i], first, last) });
      }
    };

    for (let step = 0; step < 150; step++) {
      const name = rnd.pick(names);
      try {
        await steps[name]();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !REFUSALS.has(code)) throw error;
      }
      // Hours pass: the stores' midnights come at different moments.
      clock.advance(Math.floor(rnd.next() * 3 * HOUR));
      if (step % 15 === 14) await check();
    }
    await check();
    const figures = await Promise.all(stores.map(({ store }) => summed(store.id, "2027-01-01", "2027-12-31")));
    // The run moved every kind of sum, some down again (a reversal, a voided bill): a check of nothing proves nothing.
    const kinds = new Set(figures.flatMap((f) => Object.keys(f).map((k) => k.split(" ")[1])));
    expect([...kinds].sort()).toEqual(["BILL_CARD", "BILL_CASH", "EARN", "REDEEM", "REFUND", "RETURN", "SALE", "TAKE_BACK", "VOID"]);
    expect(unsummed.size).toBeGreaterThan(0);

    // The migration's fill, from the rows alone, gives the same figures.
    await world.deps.db.tx(async (tx) => tx.write("DELETE FROM store_day_sums", []));
    await fillStoreDaySums((sql, params) => world.deps.db.dataSource.query(sql, params), world.deps.db.isMysql);
    expect(await Promise.all(stores.map(({ store }) => summed(store.id, "2027-01-01", "2027-12-31")))).toEqual(figures);
  }, 180_000);

  it("counts every one of many sales racing at one store, from registers at once", async () => {
    const { store } = await newStore(world, { name: "Racing Sums", timeZone: "Asia/Tokyo" });
    const registers = await Promise.all([1, 2, 3, 4].map(async () => world.callerOf((await world.services.admin.issueApiKey(world.admin, "REGISTER", store.id)).key)));
    const shoppers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newCustomer(world)));
    const codes = await Promise.all(
      shoppers.flatMap((shopper) => [1, 2, 3].map(async () => ({ shopper, code: (await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null)).code }))),
    );
    const paid = await Promise.all(codes.map(({ code }, i) => world.services.payments.redeemCode(registers[i % registers.length], code, { amount: 100 + i, currency: "JPY" }, `race-${i}`)));
    expect(paid.every((p) => p.status === "APPROVED")).toBe(true);
    const day = dateInZone(clock.now(), "Asia/Tokyo");
    const report = await world.services.storeReports.report(registers[0], day);
    expect(report).toMatchObject({ paymentsApproved: codes.length, amountApproved: paid.reduce((sum, p) => sum + p.amount, 0) });
    expect(await summed(store.id, day, day)).toEqual(await counted(store.id, "Asia/Tokyo", day, day));
  }, 60_000);

  it("moves a sum at commit only when the write it depends on changed a row, decided by the database", async () => {
    const { store } = await newStore(world, { name: "Conditional Sums" });
    const isMysql = world.deps.db.isMysql;
    const sum = (kind: string) => upsertAdding(isMysql, "store_day_sums", { storeId: store.id, day: "2027-01-01", kind, institution: "", shard: 0 }, { count: 1, amount: 7 });
    const moved = await world.deps.db.tx(async (tx) => {
      const none = tx.atCommit({ sql: "UPDATE stores SET name = ? WHERE id = ?", params: ["Nothing", "no-such-store"] });
      tx.atCommit(sum("SALE"), { onlyIf: none });
      const one = tx.atCommit({ sql: "UPDATE stores SET name = ? WHERE id = ?", params: ["Conditional Sums 2", store.id] });
      tx.atCommit(sum("VOID"), { onlyIf: one });
      tx.atCommit(sum("VOID"), { onlyIf: one });
      return [none, one];
    });
    expect(moved.map((m) => m.changed)).toEqual([0, 1]);
    const rows = await world.deps.db.read((m) => m.find(StoreDaySumEntity, { where: { storeId: store.id } }));
    expect(rows.map((r) => [r.kind, r.count, Number(r.amount)])).toEqual([["VOID", 2, 14]]);
  });
});
