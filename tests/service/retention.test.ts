import { isDeepStrictEqual } from "node:util";
import { ManualClock } from "../../src/clock";
import type { Caller } from "../../src/services/kernel/caller";
import type { SweepResult } from "../../src/services/upkeep/retention.service";
import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { login, newCustomer, newPartner, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const HOUR = 3_600_000;
/** Every retention period in this file (the least the idempotency one may be). */
const PERIOD = 24 * HOUR;
/** How far the clock moves between two rounds of load: periods end between steps, not on them. */
const STEP = 10 * HOUR;
const STEPS = 10;

const ENV = {
  RETENTION_SWEEP_MS: "200",
  // Small batches, so every sweep here takes several per table.
  RETENTION_BATCH: "7",
  RETENTION_IDEMPOTENCY_HOURS: "24",
  RETENTION_OUTBOX_HOURS: "24",
  RETENTION_CODES_HOURS: "24",
  RETENTION_SESSIONS_HOURS: "24",
  RETENTION_CONFIRMATIONS_HOURS: "24",
  SESSION_TTL_HOURS: "1",
  // Longer than the idempotency period: a request left unanswered keeps its payment
  // PENDING_CONFIRMATION past it, and with it a record that must not go.
  CONFIRMATION_TTL_SECONDS: String(36 * 3600),
  RATE_LOGIN_PER_PHONE_PER_MIN: "1000",
  RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN: "1000",
};

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

const SWEPT = ["idempotency_records", "outbox_messages", "wallet_codes", "customer_sessions", "confirmation_requests"] as const;
type Swept = (typeof SWEPT)[number];

/** A datetime as either engine returns it. */
const timeOf = (value: unknown): number | null =>
  value == null ? null : value instanceof Date ? value.getTime() : new Date(`${String(value).replace(" ", "T")}Z`).getTime();

describe.each(engines)("nothing grows forever (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock();
  let alice: Customer; // pays at the register
  let bob: Customer; // confirms every payment on the phone
  let register: Caller;
  /** Every payment the load made (replays excluded), and how many of them were approved. */
  const made = new Set<string>();
  let approved = 0;

  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: ENV });
    // As a server does once it listens: the sweeps run in the background all along.
    world.services.confirmations.start();
    world.services.retention.start();
    alice = await newCustomer(world);
    bob = await newCustomer(world);
    await world.services.customers.setConfirmAbove(bob.caller, 0);
    ({ register } = await newStore(world));
  });
  afterAll(() => world.close());

  const query = <R = Record<string, unknown>>(sql: string): Promise<R[]> => world.deps.db.dataSource.query(sql);
  const count = async (table: string) => Number((await query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const counts = async <T extends string>(tables: readonly T[]) => {
    const result = {} as Record<T, number>;
    for (const table of tables) result[table] = await count(table);
    return result;
  };

  /**
   * Rows past their period, per table, by the rules as the README states them (not by
   * the service's SQL); `inProgress` counts the idempotency records past it whose payment
   * is still being decided, which are kept.
   */
  async function pastPeriod(): Promise<Record<Swept, number> & { inProgress: number }> {
    const cutoff = clock.now().getTime() - PERIOD;
    const past = (value: unknown) => {
      const at = timeOf(value);
      return at !== null && at < cutoff;
    };
    const records = await query("SELECT r.createdAt AS t, p.status AS status FROM idempotency_records r LEFT JOIN payments p ON p.id = r.resultId");
    const deciding = (status: unknown) => status === "PROCESSING" || status === "PENDING_CONFIRMATION";
    const sessions = await query("SELECT expiresAt, revokedAt FROM customer_sessions");
    return {
      idempotency_records: records.filter((r) => past(r.t) && !deciding(r.status)).length,
      inProgress: records.filter((r) => past(r.t) && deciding(r.status)).length,
      outbox_messages: (await query("SELECT deliveredAt AS t FROM outbox_messages")).filter((r) => past(r.t)).length,
      wallet_codes: (await query("SELECT expiresAt AS t FROM wallet_codes")).filter((r) => past(r.t)).length,
      customer_sessions: sessions.filter((s) => past(s.expiresAt) || past(s.revokedAt)).length,
      confirmation_requests: (await query("SELECT answeredAt AS t FROM confirmation_requests")).filter((r) => past(r.t)).length,
    };
  }
  const nothingPast = { idempotency_records: 0, outbox_messages: 0, wallet_codes: 0, customer_sessions: 0, confirmation_requests: 0 };

  const pay = async (phone: Caller, who: Customer, amount: number, key: string) => {
    const { code } = await world.services.codes.issuePaymentCode(phone, who.card.id, PASSWORD, null);
    const payment = await world.services.payments.redeemCode(register, code, JPY(amount), key);
    return { code, amount, key, payment };
  };
  const requestPayment = (amount: number, key: string) =>
    world.services.payments.requestPayment(register, bob.phoneNumber, bob.card.selector, JPY(amount), key);
  const keep = (payment: { id: string; status: string }) => {
    made.add(payment.id);
    if (payment.status === "APPROVED") approved++;
  };

  /** The first redeem of each step, and the request of each step left unanswered. */
  const firstRedeem: Array<Awaited<ReturnType<typeof pay>>> = [];
  const unanswered: Array<{ key: string; id: string }> = [];

  /**
   * One round of load at the current time: three logins (two logged out, one left to
   * expire), three redeems, a redeem confirmed on the phone, a requestPayment rejected
   * and one left unanswered; every outbox message delivered. With `replays`, first the
   * same keys as 10 and 30 hours before.
   */
  async function load(step: number, replays = false): Promise<void> {
    const a = await login(world, alice.phoneNumber);
    await login(world, alice.phoneNumber); // left to expire
    const b = await login(world, bob.phoneNumber);
    if (replays) await replayEarlierKeys(step, a);
    for (let i = 0; i < 3; i++) {
      const redeemed = await pay(a, alice, 100 + step * 10 + i, `s${step}-r${i}`);
      expect(redeemed.payment.status).toBe("APPROVED");
      keep(redeemed.payment);
      if (i === 0) firstRedeem[step] = redeemed;
    }
    const confirmed = await pay(b, bob, 500, `s${step}-confirm`);
    const rejected = await requestPayment(600, `s${step}-reject`);
    const waiting = await requestPayment(700, `s${step}-wait`);
    unanswered[step] = { key: `s${step}-wait`, id: waiting.id };
    const asked = await world.services.confirmations.pending(b);
    const requestFor = (paymentId: string) => asked.find((r) => r.payment.id === paymentId)!.request.id;
    const respond = (paymentId: string, approve: boolean) => world.services.payments.respondToConfirmation(b, requestFor(paymentId), approve, PASSWORD);
    keep(await respond(confirmed.payment.id, true));
    keep(await respond(rejected.id, false));
    keep(waiting);
    await world.services.auth.logout(a);
    await world.services.auth.logout(b);
    await world.services.outbox.drain();
  }

  /** Things of the books made once, at the start: a gate's admissions, a points settlement, a paid bill. */
  async function books(): Promise<void> {
    const { services } = world;
    // Its webhook never answers: the message stays undelivered, and is never deleted.
    const { partner, hq: shop, gate } = await newPartner(world, "Budokan Tickets", "http://127.0.0.1:9/never-answers");
    const doors = clock.now().getTime() + HOUR / 4;
    const event = await services.ticketEvents.createEvent(shop, {
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(doors),
      startsAt: new Date(doors + HOUR),
    });
    const { ticket } = await services.tickets.postTicket(shop, { eventId: event.id, issueNumber: "RET-1", holderPhone: alice.phoneNumber });
    const { code: ticketCode } = await services.tickets.issueTicketCode(alice.caller, ticket.id, PASSWORD);
    clock.advance(HOUR / 4); // doors open
    expect((await services.admissions.admitTicket(gate, ticketCode, event.id, null)).result).toBe("ADMITTED");
    expect((await services.admissions.admitTicket(gate, ticketCode, event.id, null)).result).toBe("DENIED");

    const program = await services.programs.createProgram(world.admin, { name: "Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const { register: pointsRegister } = await newStore(world, { name: "Points Store", programId: program.id });
    await services.memberships.joinProgram(alice.caller, program.id);
    const memberCode = (await services.memberships.issueMemberCode(alice.caller, program.id, PASSWORD)).code;
    expect((await services.points.settlePoints(pointsRegister, memberCode, 10_000, 0, "points-1")).pointsEarned).toBe(100);

    const bill = await services.bills.postBill(shop, { customerPhone: alice.phoneNumber, reference: "B-1", amount: 300, currency: "JPY", dueDate: new Date(doors + 5 * PERIOD) });
    const billCode = (await services.bills.issueBillCode(alice.caller, bill.id, PASSWORD)).code;
    expect((await services.bills.collectBill(register, billCode, "CASH", "bill-1")).status).toBe("PAID");
    await services.outbox.drain();
  }

  async function replayEarlierKeys(step: number, a: Caller): Promise<void> {
    const redeem = (code: string, amount: number, key: string) => world.services.payments.redeemCode(register, code, JPY(amount), key);
    if (step >= 1) {
      // 10 hours later, inside the window: the same request replays the first answer ...
      const previous = firstRedeem[step - 1];
      const replay = await redeem(previous.code, previous.amount, previous.key);
      expect(replay).toMatchObject({ id: previous.payment.id, status: "APPROVED" });
      // ... and another request with the same key is a conflict, not a new sale.
      const { code } = await world.services.codes.issuePaymentCode(a, alice.card.id, PASSWORD, null);
      expect(await errorCodeOf(redeem(code, 1, previous.key))).toBe("IDEMPOTENCY_CONFLICT");
    }
    if (step >= 3) {
      // 30 hours later, past the window: the key is new again, and makes a new sale.
      const old = firstRedeem[step - 3];
      const again = await pay(a, alice, 999, old.key);
      expect(again.payment.status).toBe("APPROVED");
      expect(again.payment.id).not.toBe(old.payment.id);
      keep(again.payment);
      // A request still waiting for the phone after 30 hours keeps its record: a retry replays it.
      const waiting = unanswered[step - 3];
      const retried = await requestPayment(700, waiting.key);
      expect(retried).toMatchObject({ id: waiting.id, status: "PENDING_CONFIRMATION" });
    }
  }

  it("keeps each swept table bounded under a steady load, replays inside the window, and keeps the books whole", async () => {
    await books();
    const booksAtStart = await counts(["admissions", "point_movements", "point_settlements", "point_lots", "bills"] as const);
    expect(booksAtStart).toEqual({ admissions: 2, point_movements: 1, point_settlements: 1, point_lots: 1, bills: 1 });
    const undelivered = Number((await query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox_messages WHERE deliveredAt IS NULL"))[0].n);
    expect(undelivered).toBe(1);

    const history: Array<Record<Swept, number>> = [];
    const payments: number[] = [];
    let swept = 0;
    let keptInProgress = 0;
    for (let step = 0; step < STEPS; step++) {
      if (step > 0) {
        clock.advance(STEP);
        await world.services.confirmations.expireDue();
        const result = await world.services.retention.sweep();
        expect(result.failed).toEqual([]);
        swept += Object.values(result.deleted).reduce((sum, n) => sum + n, 0);
        const past = await pastPeriod();
        expect({ ...past, inProgress: undefined }).toEqual({ ...nothingPast, inProgress: undefined });
        keptInProgress = Math.max(keptInProgress, past.inProgress);
        history.push(await counts(SWEPT));
        payments.push(await count("payments"));
      }
      await load(step, true);
    }

    // The late steps make as much as the early ones, and the tables stay the same size.
    const [seventh, eighth, ninth] = history.slice(-3);
    expect(eighth).toEqual(seventh);
    expect(ninth).toEqual(seventh);
    expect(payments[payments.length - 1]).toBeGreaterThan(payments[payments.length - 3]);
    expect(keptInProgress).toBeGreaterThan(0);

    // Every payment undecided has its record; a request that expired lost its payment's
    // record with its period, and the same key is then a new request.
    const orphans = await query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM payments p WHERE p.status IN ('PROCESSING', 'PENDING_CONFIRMATION') " +
        "AND NOT EXISTS (SELECT 1 FROM idempotency_records r WHERE r.resultId = p.id)",
    );
    expect(Number(orphans[0].n)).toBe(0);
    const expired = unanswered[STEPS - 5]; // 50 hours old: expired at 36, its record gone at 24 past its making
    expect((await world.services.payments.get(register, expired.id))?.status).toBe("EXPIRED");
    const renewed = await requestPayment(700, expired.key);
    expect(renewed.id).not.toBe(expired.id);
    keep(renewed);

    // The books: every payment, its ledger entries, the admissions, points and the bill.
    const ids = (await query<{ id: string }>("SELECT id FROM payments")).map((row) => row.id);
    expect(ids.length).toBe(made.size);
    expect(new Set(ids)).toEqual(made);
    expect(await count("ledger_entries")).toBe(approved);
    expect(await counts(["admissions", "point_movements", "point_settlements", "point_lots", "bills"] as const)).toEqual(booksAtStart);
    expect(Number((await query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox_messages WHERE deliveredAt IS NULL"))[0].n)).toBe(undelivered);
    // The tables stayed bounded because the sweeps deleted, not because nothing came.
    expect(swept).toBeGreaterThan(0);
  });

  it("sweeps on its own in the background", async () => {
    clock.advance(3 * PERIOD);
    // The confirmation sweep expires what was waiting (answered now, so kept), and the
    // retention sweep takes everything else, with no call from here.
    const done = { ...nothingPast, inProgress: 0 };
    const emptied = { idempotency_records: 0, wallet_codes: 0, customer_sessions: 0 };
    const state = async () => ({ past: await pastPeriod(), left: await counts(Object.keys(emptied) as Array<keyof typeof emptied>) });
    const deadline = Date.now() + 10_000;
    let now = await state();
    while (!isDeepStrictEqual(now, { past: done, left: emptied }) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await state();
    }
    expect(now).toEqual({ past: done, left: emptied });
    expect(await count("payments")).toBe(made.size);
  });

  it("deletes each row once when sweeps run at the same moment, here and on a second instance", async () => {
    await world.services.retention.stop();
    // On MySQL a second server instance on the same database sweeps too; SQLite serves one instance.
    const second = engine === "mysql" ? await serviceWorld(engine, { clock, env: ENV, deployment: world.deployment }) : null;
    try {
      for (let step = 100; step < 104; step++) {
        await load(step);
        clock.advance(HOUR);
      }
      clock.advance(2 * PERIOD);
      await world.services.confirmations.expireDue();
      const before = await pastPeriod();
      const sweepers = [world.services.retention, world.services.retention, world.services.retention];
      if (second) sweepers.push(second.services.retention, second.services.retention);
      const results: SweepResult[] = await Promise.all(sweepers.map((s) => s.sweep()));

      expect(results.flatMap((r) => r.failed)).toEqual([]);
      const deleted = Object.fromEntries(SWEPT.map((table) => [table, results.reduce((sum, r) => sum + r.deleted[table], 0)]));
      expect(deleted).toEqual(Object.fromEntries(SWEPT.map((table) => [table, before[table]])));
      for (const table of SWEPT) expect(before[table]).toBeGreaterThan(Number(ENV.RETENTION_BATCH));
      expect({ ...(await pastPeriod()), inProgress: undefined }).toEqual({ ...nothingPast, inProgress: undefined });
      expect(world.logs.join("\n")).not.toMatch(/retention sweep failed/);
      expect(second?.logs.join("\n") ?? "").not.toMatch(/retention sweep failed/);
    } finally {
      await second?.close();
    }
  });

  it("finds what it deletes through an index, in index order, never by scanning or sorting a table", async () => {
    const cutoff = "2000-01-01 00:00:00.000";
    for (const { table, sql } of world.services.retention.selects()) {
      if (engine === "sqlite") {
        const plan = await query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql.replace("?", `'${cutoff}'`)}`);
        const steps = plan.map((row) => row.detail);
        expect({ table, steps: steps.filter((s) => /^SCAN |TEMP B-TREE/.test(s)) }).toEqual({ table, steps: [] });
        expect(steps.some((s) => /^SEARCH .* USING (COVERING )?INDEX IDX_/.test(s))).toBe(true);
      } else {
        const plan = await query<{ type: string; key: string | null; Extra: string | null }>(`EXPLAIN ${sql.replace("?", `'${cutoff}'`)}`);
        const scans = plan.filter((row) => row.type === "ALL" || row.type === "index" || /filesort|temporary/.test(row.Extra ?? ""));
        expect({ table, scans }).toEqual({ table, scans: [] });
        expect(plan[0].key).toMatch(/^IDX_/);
      }
    }
  });
});
