import { ManualClock } from "../../src/clock";
import type { Caller } from "../../src/services/kernel/caller";
import type { AdmissionDecision } from "../../src/services/tickets/admission.service";
import { attendanceOf } from "../../src/services/tickets/attendance";
import { recountAttendance } from "../../src/services/tickets/recount";
import { AttendanceTallies1766300000000 } from "../../src/migrations/1766300000000-attendance-tallies";
import { engines } from "../support/databases";
import { seededRandom } from "../support/seeded-random";
import { newCustomer, newPartner, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD } from "../support/test-data";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How the rules refuse a move (an undo too late, an allotment of a used ticket). */
const REFUSALS = new Set(["FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND"]);

/**
 * Runs the calls `AT_ONCE` at a time, each group all at once: racing, on a bounded number of
 * connections (the test server's MySQL is shared with other suites).
 */
const AT_ONCE = 16;
async function inGroups<T>(calls: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < calls.length; i += AT_ONCE) results.push(...(await Promise.all(calls.slice(i, i + AT_ONCE).map((call) => call()))));
  return results;
}

/**
 * The running tallies (tallies.ts) against the counts they replace (recount.ts): after
 * every one of many mixed moves, the tallies read exactly what counting the rows says.
 */
describe.each(engines)("attendance tallies equal the counts (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "10000" } });
  });
  afterAll(() => world.close());

  const tallied = (eventId: string) => world.deps.db.read((m) => attendanceOf(m, eventId), { fresh: true });
  const counted = (eventId: string) => world.deps.db.read((m) => recountAttendance(m, eventId), { fresh: true });

  async function venue(allowReentry: boolean) {
    const { partner, hq: shop, gate } = await newPartner(world, "Tally Tickets");
    const desk = await world.callerOf((await world.services.admin.issueApiKey(world.admin, "GATE", partner.id)).key);
    const event = await world.services.ticketEvents.createEvent(shop, {
      title: "Tally Fest",
      venue: "Makuhari",
      doorsOpenAt: clock.now(),
      startsAt: new Date(clock.now().getTime() + HOUR),
      allowReentry,
    });
    return { shop, gates: [gate, desk], event };
  }

  it("after every move of a long mixed run: issue, admit, exit, re-enter, undo, revoke, allot, by id, offline sync, lists", async () => {
    const rng = seededRandom(engine === "mysql" ? 34 : 43);
    const fans: Customer[] = [await newCustomer(world), await newCustomer(world)];
    const festival = await venue(true);
    const strict = await venue(false);
    const allTickets = await world.services.checkInLists.createCheckInList(festival.shop, { eventId: festival.event.id, name: "Day pass" });
    const vip = await world.services.checkInLists.createCheckInList(festival.shop, { eventId: festival.event.id, name: "VIP", allTickets: false });
    const gateNames = [null, "North", "South", "East"];

    interface Held {
      id: string;
      issueNumber: string;
      venue: typeof festival;
      holder: Customer;
      code: string | null;
    }
    const tickets: Held[] = [];
    const admissions: Array<{ decision: AdmissionDecision; by: Caller }> = [];
    let serial = 0;
    /** Tickets a gate was shown (only an unused one may be allotted). */
    const scanned = new Set<string>();

    const codeOf = async (t: Held) => {
      scanned.add(t.id);
      return codeFor(t);
    };
    const codeFor = async (t: Held) => (t.code ??= (await world.services.tickets.issueTicketCode(t.holder.caller, t.id, PASSWORD)).code);
    const post = async () => {
      const v = rng.next() < 0.7 ? festival : strict;
      const holder = rng.pick(fans);
      const issueNumber = `T-${++serial}`;
      const onVip = v === festival && rng.next() < 0.4;
      const { ticket } = await world.services.tickets.postTicket(v.shop, {
        eventId: v.event.id,
        issueNumber,
        holderPhone: holder.phoneNumber,
        usesAllowed: rng.next() < 0.3 ? 3 : 1,
        checkInListIds: onVip ? [vip.id] : [],
      });
      tickets.push({ id: ticket.id, issueNumber, venue: v, holder, code: null });
    };
    const listFor = (t: Held) => (t.venue === festival ? rng.pick([null, null, allTickets.id, vip.id]) : null);

    const moves: Record<string, () => Promise<unknown>> = {
      post,
      admit: async () => {
        const t = rng.pick(tickets);
        const by = rng.pick(t.venue.gates);
        const decision = await world.services.admissions.admitTicket(by, await codeOf(t), t.venue.event.id, rng.pick(gateNames), listFor(t));
        admissions.push({ decision, by });
      },
      admitById: async () => {
        const t = rng.pick(tickets);
        const by = rng.pick(t.venue.gates);
        scanned.add(t.id);
        admissions.push({ decision: await world.services.admissions.admitTicketById(by, t.id, t.venue.event.id, rng.pick(gateNames), listFor(t)), by });
      },
      exit: async () => {
        const t = rng.pick(tickets);
        await world.services.admissions.exitTicket(rng.pick(t.venue.gates), await codeOf(t), t.venue.event.id, rng.pick(gateNames));
      },
      // The gate undoes one of its admissions still within the undo window; with none, it admits one to undo next time.
      undo: async () => {
        const undoable = admissions.filter((a) => a.decision.undoableUntil && a.decision.undoableUntil > clock.now());
        if (undoable.length === 0) return moves.admit();
        const chosen = rng.pick(undoable);
        chosen.decision.undoableUntil = null;
        await world.services.admissions.undoAdmission(chosen.by, chosen.decision.id);
      },
      revoke: async () => {
        const t = rng.pick(tickets);
        await world.services.tickets.revokeTicket(t.venue.shop, t.issueNumber);
        t.code = null;
      },
      allot: async () => {
        const unused = tickets.filter((t) => !scanned.has(t.id));
        if (unused.length === 0) return;
        const t = rng.pick(unused);
        const to = fans.find((f) => f !== t.holder)!;
        await world.services.tickets.allotTicket(t.holder.caller, t.id, to.phoneNumber);
        t.holder = to;
        t.code = null;
      },
      // Scans made offline a while ago, by several gates, arriving out of order: earlier scans turn later ones into ALREADY_USED.
      sync: async () => {
        const v = rng.next() < 0.7 ? festival : strict;
        const mine = tickets.filter((t) => t.venue === v);
        if (mine.length === 0) return;
        const scans = [];
        for (let i = 0, n = 1 + Math.floor(rng.next() * 4); i < n; i++) {
          const t = rng.pick(mine);
          const scannedAt = new Date(clock.now().getTime() - Math.floor(rng.next() * 90) * MINUTE);
          scans.push({ code: await codeOf(t), gate: rng.pick(["North", "South", "Offline"]), scannedAt, exit: rng.next() < 0.25, listId: v === festival ? rng.pick([null, allTickets.id]) : null });
        }
        await world.services.admissions.syncScans(rng.pick(v.gates), v.event.id, scans);
      },
      time: async () => {
        clock.advance(rng.next() < 0.1 ? DAY : Math.floor(rng.next() * 40) * MINUTE);
      },
    };
    const weights: Array<[keyof typeof moves, number]> = [
      ["post", 3],
      ["admit", 8],
      ["admitById", 2],
      ["exit", 4],
      ["undo", 3],
      ["revoke", 1],
      ["allot", 2],
      ["sync", 3],
      ["time", 3],
    ];
    const bag = weights.flatMap(([name, n]) => Array<keyof typeof moves>(n).fill(name));

    for (let i = 0; i < 6; i++) await post();
    clock.advance(2 * HOUR); // offline scans may go back before now
    const done: Record<string, number> = {};
    for (let step = 0; step < 250; step++) {
      const name = rng.pick(bag);
      try {
        await moves[name]();
        done[name] = (done[name] ?? 0) + 1;
      } catch (error) {
        // A move the rules refuse (an undo too late, an allotment of a used ticket) moves nothing, and is a move like any other here.
        if (!REFUSALS.has((error as { code?: string }).code ?? "")) throw error;
      }
      for (const { event } of [festival, strict]) {
        const [tallies, counts] = [await tallied(event.id), await counted(event.id)];
        if (JSON.stringify(tallies) !== JSON.stringify(counts)) throw new Error(`after step ${step} (${name}): tallies ${JSON.stringify(tallies)} but counts ${JSON.stringify(counts)}`);
      }
    }
    // The run did move every tally, not only agree on nothing.
    const end = await tallied(festival.event.id);
    expect(end.admitted).toBeGreaterThan(3);
    expect(end.byGate.length).toBeGreaterThan(1);
    expect(end.byList.find((l) => l.listId === allTickets.id)!.admitted).toBeGreaterThan(0);
    expect(Object.keys(done).sort()).toEqual(Object.keys(moves).sort());

    // An upgraded database: the migration makes the tallies again from the rows, and they read the same.
    const runner = world.deps.db.manager.connection.createQueryRunner();
    try {
      const migration = new AttendanceTallies1766300000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    for (const { event } of [festival, strict]) expect(await tallied(event.id)).toEqual(await counted(event.id));
    // The gates' figures are their sum: the unnamed gate's part holds everyone inside once filled.
    expect(await tallied(festival.event.id)).toEqual(end);
  });

  it("in the rare paths: a visitor passed on by an undo, a demotion that takes a list's ticket, a re-entry undone", async () => {
    const { shop, gates, event } = await venue(true);
    const [gate] = gates;
    const list = await world.services.checkInLists.createCheckInList(shop, { eventId: event.id, name: "Main" });
    const fan = await newCustomer(world);
    const post = async (issueNumber: string, usesAllowed = 1) => {
      const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber, holderPhone: fan.phoneNumber, usesAllowed });
      return { ticket, code: (await world.services.tickets.issueTicketCode(fan.caller, ticket.id, PASSWORD)).code };
    };
    const same = async () => expect(await tallied(event.id)).toEqual(await counted(event.id));
    clock.advance(2 * HOUR);

    // A pass used twice today at two gates; the first use, which counted the visitor, undone: the second counts it now.
    const pass = await post("PASS", 3);
    const first = await world.services.admissions.admitTicket(gate, pass.code, event.id, "A", list.id);
    clock.advance(MINUTE);
    await world.services.admissions.exitTicket(gate, pass.code, event.id, "A");
    clock.advance(MINUTE);
    await world.services.admissions.admitTicket(gate, pass.code, event.id, "B", list.id);
    await same();
    await world.services.admissions.undoAdmission(gate, first.id);
    await same();
    expect(await tallied(event.id)).toMatchObject({ admitted: 1, inside: 1, byList: [{ admitted: 1 }] });

    // An online admission for the list, then an earlier offline scan of the same single-use ticket: the online one is demoted, the list loses the ticket.
    const single = await post("SINGLE");
    await world.services.admissions.admitTicket(gate, single.code, event.id, "C", list.id);
    await same();
    await world.services.admissions.syncScans(gate, event.id, [{ code: single.code, gate: "Offline", scannedAt: new Date(clock.now().getTime() - HOUR) }]);
    await same();
    expect((await tallied(event.id)).byGate).toEqual(expect.arrayContaining([{ gate: "Offline", admitted: 1, exited: 0 }]));
    expect((await tallied(event.id)).byGate.find((g) => g.gate === "C")).toBeUndefined();

    // A single-entry ticket let out and back in; the re-entry undone: out again.
    const back = await post("BACK");
    await world.services.admissions.admitTicket(gate, back.code, event.id, "D");
    clock.advance(MINUTE);
    await world.services.admissions.exitTicket(gate, back.code, event.id, "D");
    clock.advance(MINUTE);
    const reentry = await world.services.admissions.admitTicket(gate, back.code, event.id, "D");
    expect(reentry.result).toBe("ADMITTED");
    await same();
    await world.services.admissions.undoAdmission(gate, reentry.id);
    await same();
    expect((await tallied(event.id)).byGate.find((g) => g.gate === "D")).toEqual({ gate: "D", admitted: 1, exited: 1 });
  });

  it("equal the counts after gates race on one event from several connections (on MySQL, two instances)", async () => {
    const { partner, hq: shop } = await newPartner(world, "Race Tickets");
    const second = engine === "mysql" ? await serviceWorld(engine, { clock, deployment: world.deployment, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "10000" } }) : null;
    try {
      const instances = [world, second ?? world];
      const keys = await Promise.all(Array.from({ length: 4 }, () => world.services.admin.issueApiKey(world.admin, "GATE", partner.id)));
      // Each gate key on one instance: the same gate's scans come through different connections and, on MySQL, different pools.
      const gates = await Promise.all(keys.map((k, i) => instances[i % 2].callerOf(k.key)));
      const on = (i: number) => instances[i % 2].services;
      const event = await world.services.ticketEvents.createEvent(shop, {
        title: "Race Day",
        venue: "Tokyo Dome",
        doorsOpenAt: clock.now(),
        startsAt: new Date(clock.now().getTime() + HOUR),
        allowReentry: true,
      });
      const list = await world.services.checkInLists.createCheckInList(shop, { eventId: event.id, name: "Arena" });
      const fan = await newCustomer(world);
      const N = 24;
      // Posted all at once: every post adds to the event's one row of tickets issued.
      const posted = await inGroups(
        Array.from({ length: N }, (_, i) => () =>
          on(i).tickets.postTicket(shop, { eventId: event.id, issueNumber: `R-${i}`, holderPhone: fan.phoneNumber, usesAllowed: i % 4 === 0 ? 2 : 1 }),
        ),
      );
      const codes: string[] = [];
      for (const { ticket } of posted) codes.push((await world.services.tickets.issueTicketCode(fan.caller, ticket.id, PASSWORD)).code);
      clock.advance(HOUR);
      const names = ["North", "South", null];

      // Every ticket scanned by three gates at once, for the list or not, and by id at the desk.
      const scans = await inGroups(
        codes.flatMap((code, i) => [
          ...[0, 1, 2].map((g) => async () => ({ decision: await on(g).admissions.admitTicket(gates[g], code, event.id, names[(i + g) % 3], g === 0 ? list.id : null), g })),
          async () => ({ decision: await on(3).admissions.admitTicketById(gates[3], posted[i].ticket.id, event.id, "Desk"), g: 3 }),
        ]),
      );
      expect(await tallied(event.id)).toEqual(await counted(event.id));

      // Half go out at two gates at once, a quarter come back in, and some admissions are undone, all together.
      clock.advance(MINUTE);
      const admitted = scans.filter((s) => s.decision.result === "ADMITTED");
      await inGroups<unknown>([
        ...codes.filter((_, i) => i % 2 === 0).flatMap((code, i) => [0, 1].map((g) => () => on(g).admissions.exitTicket(gates[g], code, event.id, names[(i + g) % 3]))),
        ...admitted.filter((_, i) => i % 3 === 0).map((s) => () => on(s.g).admissions.undoAdmission(gates[s.g], s.decision.id)),
      ]);
      expect(await tallied(event.id)).toEqual(await counted(event.id));
      clock.advance(MINUTE);
      await inGroups(codes.filter((_, i) => i % 4 === 0).flatMap((code) => [2, 3].map((g) => () => on(g).admissions.admitTicket(gates[g], code, event.id, "South", list.id))));

      // Two offline gates upload overlapping scans of the same tickets, made before the online ones, at once.
      const upload = (g: number, gateName: string) =>
        on(g).admissions.syncScans(
          gates[g],
          event.id,
          codes.map((code, i) => ({ code, gate: gateName, scannedAt: new Date(clock.now().getTime() - HOUR + i * 1000 + g), listId: i % 2 ? list.id : null })),
        );
      await Promise.all([upload(0, "Offline A"), upload(1, "Offline B"), upload(0, "Offline A")]);
      const end = await tallied(event.id);
      expect(end).toEqual(await counted(event.id));
      expect(end.ticketsIssued).toBe(N);
      expect(end.admitted).toBe(N);
    } finally {
      await second?.close();
    }
  });

  it("answers from the tallies through the service, as the gate and the shop read it", async () => {
    const { shop, gates, event } = await venue(false);
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber: "ONE", holderPhone: fan.phoneNumber });
    const { code } = await world.services.tickets.issueTicketCode(fan.caller, ticket.id, PASSWORD);
    const admitted = await world.services.admissions.admitTicket(gates[0], code, event.id, "North");
    expect(admitted).toMatchObject({ result: "ADMITTED", admittedCount: 1 });
    expect(await world.services.ticketEvents.attendance(gates[0], event.id)).toEqual({
      eventId: event.id,
      ticketsIssued: 1,
      admitted: 1,
      inside: 1,
      byGate: [{ gate: "North", admitted: 1, exited: 0 }],
      byList: [],
    });
    await world.services.admissions.undoAdmission(gates[0], admitted.id);
    expect(await world.services.ticketEvents.attendance(shop, event.id)).toMatchObject({ ticketsIssued: 1, admitted: 0, inside: 0, byGate: [] });
  });
});
