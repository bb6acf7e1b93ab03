import { ManualClock } from "../../src/clock";
import { DeviceKey, rotatingTicketCode } from "../../clients/device-key";
import { OfflineGate } from "../../clients/offline-gate";
import { ROTATION_PERIOD_SECONDS } from "../../clients/wire/rotation";
import type { GateClient, GateSnapshot } from "../../clients/gate";
import type { Caller } from "../../src/services/kernel/caller";
import type { EventInput } from "../../src/services/tickets/ticket-event.service";
import type { PostTicketInput } from "../../src/services/tickets/ticket.service";
import { engines } from "../support/databases";
import { login, newCustomer, newPartner, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf, randomPhone } from "../support/test-data";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The snapshot as the GraphQL layer would hand it to a gate: times as ISO strings. */
const asJson = (snapshot: unknown): GateSnapshot => JSON.parse(JSON.stringify(snapshot)) as GateSnapshot;

describe.each(engines)("gates: exits, passes, allotments and offline scans (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "1000" } });
  });
  afterAll(() => world.close());

  /** A ticket shop with a gate, and an event whose doors are open now. */
  async function venue(options: Partial<EventInput> = {}) {
    const { hq: shop, gate } = await newPartner(world, "Budokan Tickets");
    const event = await world.services.ticketEvents.createEvent(shop, {
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: clock.now(),
      startsAt: new Date(clock.now().getTime() + HOUR),
      ...options,
    });
    const post = (input: Omit<PostTicketInput, "eventId">) => world.services.tickets.postTicket(shop, { eventId: event.id, ...input });
    const admit = (code: string, gateName: string | null = "North") => world.services.admissions.admitTicket(gate, code, event.id, gateName);
    const exit = (code: string, gateName: string | null = "North") => world.services.admissions.exitTicket(gate, code, event.id, gateName);
    const attendance = () => world.services.ticketEvents.attendance(shop, event.id);
    return { shop, gate, event, post, admit, exit, attendance };
  }

  const codeFor = async (holder: Caller, ticketId: string) => (await world.services.tickets.issueTicketCode(holder, ticketId, PASSWORD)).code;

  it("lets a visitor out and, where the event allows it, back in on a single-entry ticket; inside follows", async () => {
    const strict = await venue();
    const relaxed = await venue({ allowReentry: true });
    const fan = await newCustomer(world);
    const strictCode = await codeFor(fan.caller, (await strict.post({ issueNumber: "S-1", holderPhone: fan.phoneNumber })).ticket.id);
    const relaxedCode = await codeFor(fan.caller, (await relaxed.post({ issueNumber: "R-1", holderPhone: fan.phoneNumber })).ticket.id);

    expect(await strict.exit("T1.not-a.code")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect((await strict.admit(strictCode)).result).toBe("ADMITTED");
    expect((await strict.attendance()).inside).toBe(1);
    expect(await strict.exit(strictCode, "South")).toMatchObject({ result: "EXITED", admittedCount: 1 });
    expect((await strict.attendance()).inside).toBe(0);
    expect(await strict.admit(strictCode)).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });

    expect((await relaxed.admit(relaxedCode)).result).toBe("ADMITTED");
    expect((await relaxed.admit(relaxedCode)).reason).toBe("ALREADY_USED"); // inside already
    expect((await relaxed.exit(relaxedCode, "South")).result).toBe("EXITED");
    expect(await relaxed.admit(relaxedCode)).toMatchObject({ result: "ADMITTED", admittedCount: 1 });
    expect(await relaxed.attendance()).toMatchObject({
      admitted: 1,
      inside: 1,
      byGate: [
        { gate: "North", admitted: 2, exited: 0 },
        { gate: "South", admitted: 0, exited: 1 },
      ],
    });
    const { ticket } = await world.services.tickets.shopTicket(relaxed.shop, "R-1");
    expect(ticket.usesLeft).toBe(0);
    expect((await world.services.tickets.usesOf(ticket.id)).map((u) => u.gate)).toEqual(["North"]);
  });

  it("counts a three-day pass as one visitor a day, however often it comes in, and one inside", async () => {
    const { post, admit, exit, attendance } = await venue();
    const rider = await newCustomer(world);
    const pass = await post({ issueNumber: "P-3", holderPhone: rider.phoneNumber, usesAllowed: 5, validFrom: clock.now(), validUntil: new Date(clock.now().getTime() + 3 * DAY) });
    const code = async () => codeFor(rider.caller, pass.ticket.id);
    expect(await admit(await code())).toMatchObject({ result: "ADMITTED", admittedCount: 1 });
    expect((await exit(await code())).result).toBe("EXITED");
    expect(await admit(await code())).toMatchObject({ result: "ADMITTED", admittedCount: 1 }); // same day, a second use
    clock.advance(DAY);
    expect(await admit(await code())).toMatchObject({ result: "ADMITTED", admittedCount: 2 }); // never left: still one inside
    expect(await attendance()).toMatchObject({ admitted: 2, inside: 1 });
    clock.advance(DAY);
    expect(await admit(await code())).toMatchObject({ result: "ADMITTED", admittedCount: 3 });
    expect((await world.services.tickets.usesOf(pass.ticket.id)).length).toBe(4);
  });

  it("refuses passback: a pass shown at two buses at the same instant admits once, the other TOO_SOON", async () => {
    const { post, admit } = await venue();
    const rider = await newCustomer(world);
    const pass = await post({ issueNumber: "BUS-1", holderPhone: rider.phoneNumber, usesAllowed: 50, minMinutesBetweenUses: 20 });
    const code = await codeFor(rider.caller, pass.ticket.id);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => admit(code, `Bus ${i + 1}`)));
    expect(outcomes.filter((a) => a.result === "ADMITTED")).toHaveLength(1);
    expect(outcomes.filter((a) => a.reason === "TOO_SOON")).toHaveLength(5);
    clock.advance(19 * MINUTE);
    expect((await admit(code)).reason).toBe("TOO_SOON");
    clock.advance(MINUTE);
    expect(await admit(code)).toMatchObject({ result: "ADMITTED", ticket: { ticket: { usesLeft: 48 } } });
  });

  it("allots only an unused ticket, as often as the event allows; the giver takes it back until it is used; the shop reads the chain", async () => {
    const { shop, post, admit } = await venue({ maxTransfers: 1 });
    const buyer = await newCustomer(world);
    const friendPhone = randomPhone();
    await world.services.customers.enroll(world.admin, { phone: friendPhone, name: "Friend", password: PASSWORD });
    const friend = await login(world, friendPhone);
    const { ticket } = await post({ issueNumber: "AL-1", holderPhone: buyer.phoneNumber });

    await world.services.tickets.allotTicket(buyer.caller, ticket.id, friendPhone);
    const friendCode = await codeFor(friend, ticket.id);
    expect(await errorCodeOf(world.services.tickets.allotTicket(friend, ticket.id, randomPhone()))).toBe("FORBIDDEN"); // limit of one
    expect(await errorCodeOf(world.services.tickets.takeBackTicket(friend, ticket.id))).toBe("NOT_FOUND");
    const back = await world.services.tickets.takeBackTicket(buyer.caller, ticket.id);
    expect(back.ticket.holderPhone).toBe(buyer.phoneNumber);
    expect(await admit(friendCode)).toMatchObject({ result: "DENIED", reason: "INVALID" });

    // Taken back, it may be passed on again; once used, neither allotted nor taken back.
    await world.services.tickets.allotTicket(buyer.caller, ticket.id, friendPhone);
    expect((await admit(await codeFor(friend, ticket.id))).result).toBe("ADMITTED");
    expect(await errorCodeOf(world.services.tickets.takeBackTicket(buyer.caller, ticket.id))).toBe("FORBIDDEN");

    const chain = await world.services.tickets.transfersOf(shop, ticket.id);
    expect(chain?.map((t) => [t.fromPhone, t.toPhone, t.takenBackAt !== null])).toEqual([
      [buyer.phoneNumber, friendPhone, true],
      [buyer.phoneNumber, friendPhone, false],
    ]);
    const seenByFriend = await world.services.tickets.transfersOf(friend, ticket.id);
    expect(seenByFriend?.every((t) => t.toPhone === friendPhone && !t.fromPhone.includes(buyer.phoneNumber.slice(0, -2)))).toBe(true);
    expect(seenByFriend?.[0].fromPhone.endsWith(buyer.phoneNumber.slice(-2))).toBe(true);

    const noPassing = await venue({ maxTransfers: 0 });
    const other = await noPassing.post({ issueNumber: "NP-1", holderPhone: buyer.phoneNumber });
    expect(await errorCodeOf(world.services.tickets.allotTicket(buyer.caller, other.ticket.id, friendPhone))).toBe("FORBIDDEN");
    const used = await post({ issueNumber: "U-1", holderPhone: buyer.phoneNumber, usesAllowed: 3 });
    await admit(await codeFor(buyer.caller, used.ticket.id));
    expect(await errorCodeOf(world.services.tickets.allotTicket(buyer.caller, used.ticket.id, friendPhone))).toBe("FORBIDDEN");
  });

  it("counts each synced scan once however often it is sent; the earlier of two offline admissions stands", async () => {
    const { gate, event, post, attendance } = await venue();
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "OFF-1", holderPhone: fan.phoneNumber });
    const code = await codeFor(fan.caller, ticket.id);
    const sync = (scans: Array<{ gate: string; at: number; exit?: boolean }>) =>
      world.services.admissions.syncScans(gate, event.id, scans.map((s) => ({ code, gate: s.gate, scannedAt: new Date(s.at), exit: s.exit })));
    const t0 = clock.now().getTime();
    clock.advance(HOUR);

    // Gate B's later scan arrives first, and is admitted; then gate A's earlier one.
    expect(await sync([{ gate: "B", at: t0 + 5 * MINUTE }])).toMatchObject([{ result: "ADMITTED", offline: true }]);
    expect(await sync([{ gate: "A", at: t0 + MINUTE }])).toMatchObject([{ result: "ADMITTED", admittedCount: 1 }]);
    // B syncing again reads its answer as it is now: ALREADY_USED, with both times.
    const [again] = await sync([{ gate: "B", at: t0 + 5 * MINUTE }]);
    expect(again).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", at: new Date(t0 + 5 * MINUTE), firstUsedAt: new Date(t0 + MINUTE) });
    // A's scans sent twice, with an exit, in any order: each counts once.
    const twice = [
      { gate: "A", at: t0 + 30 * MINUTE, exit: true },
      { gate: "A", at: t0 + MINUTE },
    ];
    expect((await sync(twice)).map((a) => a.result)).toEqual(["EXITED", "ADMITTED"]);
    expect((await sync(twice)).map((a) => a.result)).toEqual(["EXITED", "ADMITTED"]);
    expect(await attendance()).toMatchObject({
      admitted: 1,
      inside: 0,
      byGate: [{ gate: "A", admitted: 1, exited: 1 }], // B's admission was turned into ALREADY_USED
    });
    expect(await world.services.tickets.usesOf(ticket.id)).toEqual([{ at: new Date(t0 + MINUTE), gate: "A" }]);
  });

  it("decides offline from a snapshot exactly as the server decides, over a table of cases", async () => {
    const { shop, gate, event, post } = await venue({ allowReentry: true });
    const other = await venue();
    const fan = await newCustomer(world);
    const later = new Date(clock.now().getTime() + 2 * HOUR);
    const tickets = {
      fresh: await post({ issueNumber: "C-fresh", holderPhone: fan.phoneNumber }),
      used: await post({ issueNumber: "C-used", holderPhone: fan.phoneNumber }),
      reenter: await post({ issueNumber: "C-reenter", holderPhone: fan.phoneNumber }),
      pass: await post({ issueNumber: "C-pass", holderPhone: fan.phoneNumber, usesAllowed: 5, minMinutesBetweenUses: 30 }),
      early: await post({ issueNumber: "C-early", holderPhone: fan.phoneNumber, validFrom: later, validUntil: new Date(later.getTime() + HOUR) }),
      revoked: await post({ issueNumber: "C-revoked", holderPhone: fan.phoneNumber }),
      allotted: await post({ issueNumber: "C-allotted", holderPhone: fan.phoneNumber }),
      elsewhere: await other.post({ issueNumber: "C-elsewhere", holderPhone: fan.phoneNumber }),
    };
    const codes = {} as Record<keyof typeof tickets, string>;
    for (const [name, v] of Object.entries(tickets)) codes[name as keyof typeof tickets] = await codeFor(fan.caller, v.ticket.id);
    const admit = (code: string) => world.services.admissions.admitTicket(gate, code, event.id, "Main");
    await admit(codes.used);
    await admit(codes.reenter);
    await world.services.admissions.exitTicket(gate, codes.reenter, event.id, "Main");
    await admit(codes.pass);
    await world.services.tickets.revokeTicket(shop, "C-revoked");
    await world.services.tickets.allotTicket(fan.caller, tickets.allotted.ticket.id, randomPhone());
    clock.advance(MINUTE);

    const cases: Array<[string, string, boolean]> = [
      ["fresh", codes.fresh, false],
      ["used", codes.used, false],
      ["used, leaving", codes.used, true],
      ["re-entry", codes.reenter, false],
      ["pass too soon", codes.pass, false],
      ["not yet valid", codes.early, false],
      ["revoked", codes.revoked, false],
      ["allotted away", codes.allotted, false],
      ["other event", codes.elsewhere, false],
      ["forged", `${codes.fresh.slice(0, -4)}AAAA`, false],
      ["garbage", "hello", false],
      ["never entered, leaving", codes.fresh, true],
    ];
    const now = clock.now();
    const table = [];
    for (const [name, code, exit] of cases) {
      // Each case from a snapshot of the state the server decides on.
      const local = new OfflineGate({} as GateClient, event.id, "Main");
      local.apply(asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)));
      const mine = await local.decide(code, { exit, now });
      const server = exit ? await world.services.admissions.exitTicket(gate, code, event.id, "Main") : await admit(code);
      table.push({ name, offline: [mine.result, mine.reason], server: [server.result, server.reason] });
    }
    for (const row of table) expect({ name: row.name, decision: row.offline }).toEqual({ name: row.name, decision: row.server });
    expect(new Set(table.map((row) => row.server.join(" "))).size).toBeGreaterThanOrEqual(8);
  });
});

describe.each(engines)("gates: clocks, rotating codes and exits (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-21T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "1000" } });
  });
  afterAll(() => world.close());

  /** A shop with a gate, an event whose doors are open now, and a fan holding a pass with a registered device. */
  async function passHolder(usesAllowed = 5) {
    const { hq: shop, gate } = await newPartner(world, "Metro Passes");
    const event = await world.services.ticketEvents.createEvent(shop, {
      title: "Ride",
      venue: "Line 1",
      doorsOpenAt: clock.now(),
      startsAt: new Date(clock.now().getTime() + HOUR),
    });
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, {
      eventId: event.id,
      issueNumber: `RP-${usesAllowed}`,
      holderPhone: fan.phoneNumber,
      usesAllowed,
      validFrom: new Date(clock.now().getTime() - HOUR),
      validUntil: new Date(clock.now().getTime() + DAY),
    });
    const key = await DeviceKey.generate();
    key.deviceId = (await world.services.devices.register(fan.caller, "Fan's phone", key.publicKey, PASSWORD)).id;
    const { credential } = await world.services.tickets.issueRotatingTicket(fan.caller, ticket.id, { proof: await key.prove("issueRotatingTicket", { ticketId: ticket.id }) });
    const rotating = (at: Date) => rotatingTicketCode(credential, key, at);
    const sync = (code: string, scannedAt: Date, gateName = "Offline") => world.services.admissions.syncScans(gate, event.id, [{ code, gate: gateName, scannedAt }]);
    const admit = (code: string, gateName = "North") => world.services.admissions.admitTicket(gate, code, event.id, gateName);
    return { shop, gate, event, fan, ticket, rotating, sync, admit };
  }

  it("refuses an upload with a scan more than a minute ahead of the server's clock, and stores no future use", async () => {
    const { ticket, fan, rotating, sync } = await passHolder();
    const t1 = (await world.services.tickets.issueTicketCode(fan.caller, ticket.id, PASSWORD)).code;
    for (const ahead of [10 * MINUTE, 20 * HOUR]) {
      expect(await errorCodeOf(sync(t1, new Date(clock.now().getTime() + ahead)))).toBe("BAD_USER_INPUT");
    }
    expect(await errorCodeOf(sync(await rotating(clock.now()), new Date(clock.now().getTime() + 2 * MINUTE)))).toBe("BAD_USER_INPUT");
    expect(await world.services.tickets.usesOf(ticket.id)).toEqual([]);
    // A gate's clock a few seconds fast is no reason to refuse.
    const slightlyAhead = new Date(clock.now().getTime() + 30_000);
    expect(await sync(t1, slightlyAhead)).toMatchObject([{ result: "ADMITTED" }]);
  });

  it("judges a synced rotating code by the gate's clock only within ten minutes of the upload", async () => {
    const { rotating, sync } = await passHolder();
    const twentyMinutesAgo = new Date(clock.now().getTime() - 20 * MINUTE);
    expect(await sync(await rotating(twentyMinutesAgo), twentyMinutesAgo)).toMatchObject([{ result: "DENIED", reason: "STALE" }]);
    const fiveMinutesAgo = new Date(clock.now().getTime() - 5 * MINUTE);
    expect(await sync(await rotating(fiveMinutesAgo), fiveMinutesAgo)).toMatchObject([{ result: "ADMITTED", offline: true }]);
  });

  it("judges a synced rotating code against the snapshot the gate decided on, when the upload names it, as the gate did", async () => {
    const { gate, event, rotating } = await passHolder();
    const local = new OfflineGate({} as GateClient, event.id, "South");
    local.apply(asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)));
    clock.advance(15 * MINUTE);
    // A gate a quarter of an hour past its snapshot takes no rotating code; uploaded at once, the server agrees.
    const code = await rotating(clock.now());
    expect(await local.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "STALE" });
    const [queued] = local.pending;
    expect(queued.snapshotAsOf).toBe(local.snapshotAsOf);
    const scan = { code, gate: "South", scannedAt: new Date(String(queued.scannedAt)), snapshotAsOf: new Date(local.snapshotAsOf!) };
    expect(await world.services.admissions.syncScans(gate, event.id, [scan])).toMatchObject([{ result: "DENIED", reason: "STALE" }]);
    // A snapshot time from the future is a clock gone wrong, as a scan time is.
    const ahead = { ...scan, code: await rotating(clock.now()), snapshotAsOf: new Date(clock.now().getTime() + 5 * MINUTE) };
    expect(await errorCodeOf(world.services.admissions.syncScans(gate, event.id, [ahead]))).toBe("BAD_USER_INPUT");
  });

  it("takes a rotating code at an offline gate only within ten minutes of its snapshot, as the server does", async () => {
    const { gate, event, rotating } = await passHolder();
    const local = new OfflineGate({} as GateClient, event.id, "South");
    local.apply(asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)));
    const soon = new Date(clock.now().getTime() + 5 * MINUTE);
    expect(await local.decide(await rotating(soon), { now: soon })).toMatchObject({ result: "ADMITTED" });
    const late = new Date(clock.now().getTime() + 20 * MINUTE);
    expect(await local.decide(await rotating(late), { now: late })).toMatchObject({ result: "DENIED", reason: "STALE" });
  });

  it("admits one window's rotating code once on a pass, online, offline and at two gates at once; the next window admits again", async () => {
    const { gate, event, ticket, rotating, admit } = await passHolder();
    const code = await rotating(clock.now());
    const outcomes = await Promise.all([admit(code, "North"), admit(code, "South")]);
    expect(outcomes.map((a) => a.result).sort()).toEqual(["ADMITTED", "DENIED"]);
    expect(outcomes.find((a) => a.result === "DENIED")).toMatchObject({ reason: "ALREADY_USED" });
    clock.advance(5_000);
    expect(await admit(code)).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
    clock.advance(ROTATION_PERIOD_SECONDS * 1000);
    expect(await admit(await rotating(clock.now()))).toMatchObject({ result: "ADMITTED" });
    expect((await world.services.tickets.usesOf(ticket.id)).length).toBe(2);

    const local = new OfflineGate({} as GateClient, event.id, "Offline");
    local.apply(asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)));
    clock.advance(ROTATION_PERIOD_SECONDS * 1000);
    const offlineCode = await rotating(clock.now());
    expect(await local.decide(offlineCode, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    expect(await local.decide(offlineCode, { now: new Date(clock.now().getTime() + 1000) })).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
  });

  it("refuses the exit of a ticket that was never admitted, online and offline; an admitted one leaves", async () => {
    const { shop, gate, event, ticket, fan, admit } = await passHolder(1);
    const code = (await world.services.tickets.issueTicketCode(fan.caller, ticket.id, PASSWORD)).code;
    const local = new OfflineGate({} as GateClient, event.id, "Offline");
    local.apply(asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)));
    expect(await local.decide(code, { exit: true, now: clock.now() })).toMatchObject({ result: "DENIED", reason: "NOT_ADMITTED" });
    expect(await world.services.admissions.exitTicket(gate, code, event.id, "Exit")).toMatchObject({ result: "DENIED", reason: "NOT_ADMITTED" });
    expect((await world.services.ticketEvents.attendance(shop, event.id)).byGate).toEqual([]);
    expect((await admit(code)).result).toBe("ADMITTED");
    expect(await world.services.admissions.exitTicket(gate, code, event.id, "Exit")).toMatchObject({ result: "EXITED" });
    expect((await world.services.ticketEvents.attendance(shop, event.id)).byGate).toContainEqual({ gate: "Exit", admitted: 0, exited: 1 });
  });
});
