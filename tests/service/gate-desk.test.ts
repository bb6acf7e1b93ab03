import { ManualClock } from "../../src/clock";
import { OfflineGate } from "../../clients/offline-gate";
import type { GateClient, GateSnapshot } from "../../clients/gate";
import type { Caller } from "../../src/services/kernel/caller";
import type { EventInput } from "../../src/services/tickets/ticket-event.service";
import type { PostTicketInput } from "../../src/services/tickets/ticket.service";
import { engines } from "../support/databases";
import { listen, login, newCustomer, newPartner, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf, randomPhone } from "../support/test-data";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The snapshot as the GraphQL layer would hand it to a gate: times as ISO strings. */
const asJson = (snapshot: unknown): GateSnapshot => JSON.parse(JSON.stringify(snapshot)) as GateSnapshot;

describe.each(engines)("the gate's desk: names and search, undo, check-in lists, transfer offers (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "1000", RATE_GATE_SEARCHES_PER_GATE_PER_MIN: "5" } });
  });
  afterAll(() => world.close());

  /** A ticket shop with two gate keys, and an event whose doors are open now. */
  async function venue(options: Partial<EventInput> = {}) {
    const { partner, hq: shop, gate } = await newPartner(world, "Festival Tickets");
    const otherGate = await world.callerOf((await world.services.admin.issueApiKey(world.admin, "GATE", partner.id)).key);
    const event = await world.services.ticketEvents.createEvent(shop, {
      title: "Summer Sonic",
      venue: "Makuhari",
      doorsOpenAt: clock.now(),
      startsAt: new Date(clock.now().getTime() + HOUR),
      ...options,
    });
    const post = (input: Omit<PostTicketInput, "eventId">) => world.services.tickets.postTicket(shop, { eventId: event.id, ...input });
    const admit = (code: string, by: Caller = gate, listId: string | null = null) => world.services.admissions.admitTicket(by, code, event.id, "North", listId);
    const attendance = () => world.services.ticketEvents.attendance(shop, event.id);
    return { partner, shop, gate, otherGate, event, post, admit, attendance };
  }

  const codeFor = async (holder: Caller, ticketId: string) => (await world.services.tickets.issueTicketCode(holder, ticketId, PASSWORD)).code;

  it("finds a visitor without a phone by a part of the name or the ticket number, only at the event's own gates, and admits by ticket id once however many gates try", async () => {
    const { partner, shop, gate, event, post, attendance } = await venue();
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "SS-0042", holderPhone: fan.phoneNumber, seat: "B-12", attendeeName: "Yamada Hanako" });
    await post({ issueNumber: "SS-0043", holderPhone: fan.phoneNumber, attendeeName: "Suzuki Ichiro" });
    expect(ticket.attendeeName).toBe("Yamada Hanako");

    expect((await world.services.gateSearch.search(gate, event.id, "yamada")).map((h) => h.issueNumber)).toEqual(["SS-0042"]);
    const [hit] = await world.services.gateSearch.search(gate, event.id, "SS-0043");
    expect(hit).toEqual({ ticketId: expect.any(String), issueNumber: "SS-0043", attendeeName: "Suzuki Ichiro", seat: null, usesAllowed: 1, usesLeft: 1, inside: false, revoked: false });
    expect(hit).not.toHaveProperty("holderPhone");
    expect(await world.services.gateSearch.search(gate, event.id, "SS-00")).toEqual([]); // a number is matched whole
    expect(await world.services.gateSearch.search(gate, event.id, "a%")).toEqual([]); // a wildcard is a character like any other
    expect(await errorCodeOf(world.services.gateSearch.search(gate, event.id, "y"))).toBe("BAD_USER_INPUT");
    const stranger = await venue();
    expect(await errorCodeOf(world.services.gateSearch.search(stranger.gate, event.id, "yamada"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(world.services.gateSearch.search(shop, event.id, "yamada"))).toBe("FORBIDDEN");

    const gates = await Promise.all(Array.from({ length: 3 }, async () => world.callerOf((await world.services.admin.issueApiKey(world.admin, "GATE", partner.id)).key)));
    const code = await codeFor(fan.caller, ticket.id);
    const outcomes = await Promise.all([
      ...gates.map((g) => world.services.admissions.admitTicketById(g, ticket.id, event.id, "Desk")),
      world.services.admissions.admitTicket(gate, code, event.id, "North"),
    ]);
    expect(outcomes.filter((o) => o.result === "ADMITTED")).toHaveLength(1);
    expect(outcomes.filter((o) => o.reason === "ALREADY_USED")).toHaveLength(3);
    const byId = outcomes.find((o) => o.byTicketId && o.result === "ADMITTED") ?? outcomes.find((o) => o.byTicketId)!;
    expect(byId.ticket?.ticket).toMatchObject({ seat: "B-12", attendeeName: "Yamada Hanako" });
    expect((await attendance()).admitted).toBe(1);
    expect(await errorCodeOf(world.services.admissions.admitTicketById(stranger.gate, ticket.id, stranger.event.id, "Desk"))).toBe("NOT_FOUND");

    const audit = await world.services.gateSearch.gateAudit(shop, event.id);
    expect(audit.filter((a) => a.action === "SEARCH").map((a) => a.hits).sort()).toEqual([0, 0, 1, 1]);
    expect(audit.filter((a) => a.action === "ADMIT_BY_ID")).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toContain("yamada");
  });

  it("limits a gate's searches", async () => {
    const { gate, event } = await venue();
    for (let i = 0; i < 5; i++) await world.services.gateSearch.search(gate, event.id, `name ${i}`);
    expect(await errorCodeOf(world.services.gateSearch.search(gate, event.id, "one more"))).toBe("RATE_LIMITED");
  });

  it("undoes an admission at the gate that made it, within minutes: the use comes back and every count follows", async () => {
    const { gate, otherGate, post, admit, attendance } = await venue();
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "U-1", holderPhone: fan.phoneNumber });
    const code = await codeFor(fan.caller, ticket.id);
    const admitted = await admit(code);
    expect(admitted).toMatchObject({ result: "ADMITTED", undoableUntil: new Date(clock.now().getTime() + 5 * MINUTE) });
    expect(await attendance()).toMatchObject({ admitted: 1, inside: 1, byGate: [{ gate: "North", admitted: 1 }] });

    expect(await errorCodeOf(world.services.admissions.undoAdmission(otherGate, admitted.id))).toBe("NOT_FOUND");
    clock.advance(4 * MINUTE);
    const undone = await world.services.admissions.undoAdmission(gate, admitted.id);
    expect(undone).toMatchObject({ id: admitted.id, undoneAt: clock.now(), undoableUntil: null, ticket: { ticket: { usesLeft: 1 } } });
    expect(await attendance()).toMatchObject({ admitted: 0, inside: 0, byGate: [] });
    expect(await world.services.tickets.usesOf(ticket.id)).toEqual([]);
    expect(await errorCodeOf(world.services.admissions.undoAdmission(gate, admitted.id))).toBe("BAD_USER_INPUT");

    const again = await admit(code);
    expect(again).toMatchObject({ result: "ADMITTED", admittedCount: 1 });
    clock.advance(5 * MINUTE + 1);
    expect(await errorCodeOf(world.services.admissions.undoAdmission(gate, again.id))).toBe("FORBIDDEN");
    expect(await attendance()).toMatchObject({ admitted: 1, inside: 1 });
  });

  it("undoes a pass's first use of the day: its second use of that day counts the visitor instead; a re-entry undone only lets the holder out", async () => {
    const { shop, gate, post, admit, attendance } = await venue({ allowReentry: true });
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "PASS-1", holderPhone: fan.phoneNumber, usesAllowed: 3, validFrom: clock.now(), validUntil: new Date(clock.now().getTime() + 2 * DAY) });
    const first = await admit(await codeFor(fan.caller, ticket.id));
    clock.advance(MINUTE);
    const second = await admit(await codeFor(fan.caller, ticket.id));
    expect([first.result, second.result, (await attendance()).admitted]).toEqual(["ADMITTED", "ADMITTED", 1]);
    await world.services.admissions.undoAdmission(gate, first.id);
    expect(await attendance()).toMatchObject({ admitted: 1, inside: 1 });
    expect((await world.services.tickets.usesOf(ticket.id)).length).toBe(1);
    await world.services.admissions.undoAdmission(gate, second.id);
    expect(await attendance()).toMatchObject({ admitted: 0, inside: 0 });

    const single = (await post({ issueNumber: "ONE-1", holderPhone: fan.phoneNumber })).ticket;
    const code = await codeFor(fan.caller, single.id);
    expect((await admit(code)).result).toBe("ADMITTED");
    clock.advance(MINUTE);
    expect((await world.services.admissions.exitTicket(gate, code, single.eventId, "North")).result).toBe("EXITED");
    clock.advance(MINUTE);
    const back = await admit(code);
    expect(back.result).toBe("ADMITTED"); // a re-entry: no use taken
    await world.services.admissions.undoAdmission(gate, back.id);
    expect(await attendance()).toMatchObject({ admitted: 1, inside: 0 });
    expect((await world.services.tickets.shopTicket(shop, "ONE-1")).ticket.usesLeft).toBe(0);
  });

  it("races an undo against a new scan of the ticket, and two undos: the counts stay exact", async () => {
    const { shop, gate, post, admit, attendance } = await venue();
    const fan = await newCustomer(world);
    for (let round = 0; round < 4; round++) {
      const { ticket } = await post({ issueNumber: `R-${round}`, holderPhone: fan.phoneNumber });
      const code = await codeFor(fan.caller, ticket.id);
      const first = await admit(code);
      const [undo, otherUndo, rescan] = await Promise.allSettled([
        world.services.admissions.undoAdmission(gate, first.id),
        world.services.admissions.undoAdmission(gate, first.id),
        admit(code),
      ]);
      expect([undo, otherUndo].filter((u) => u.status === "fulfilled")).toHaveLength(1);
      if (rescan.status !== "fulfilled") throw rescan.reason;
      const { ticket: now } = await world.services.tickets.shopTicket(shop, ticket.issueNumber);
      // Either the undo came first (the scan took the use it gave back) or the scan did (ALREADY_USED, and the use came back after).
      if (rescan.value.result === "ADMITTED") expect(now.usesLeft).toBe(0);
      else expect({ reason: rescan.value.reason, usesLeft: now.usesLeft }).toEqual({ reason: "ALREADY_USED", usesLeft: 1 });
    }
    const final = await attendance();
    const tickets = await Promise.all([0, 1, 2, 3].map(async (round) => (await world.services.tickets.shopTicket(shop, `R-${round}`)).ticket));
    expect(final.admitted).toBe(tickets.filter((t) => t.usesLeft === 0).length);
    expect(final.inside).toBe(tickets.filter((t) => t.inside === 1).length);
  });

  it("admits per check-in list: who is on it and when it is open, online and offline alike, with counts per list", async () => {
    const { shop, gate, event, post, admit, attendance } = await venue({ doorsOpenAt: clock.now(), startsAt: new Date(clock.now().getTime() + HOUR) });
    const lists = world.services.checkInLists;
    const vip = await lists.createCheckInList(shop, { eventId: event.id, name: "VIP area", allTickets: false });
    const dayTwo = await lists.createCheckInList(shop, { eventId: event.id, name: "Day 2", opensAt: new Date(clock.now().getTime() + DAY), closesAt: new Date(clock.now().getTime() + 2 * DAY) });
    expect(await errorCodeOf(lists.createCheckInList(shop, { eventId: event.id, name: "VIP area" }))).toBe("BAD_USER_INPUT");
    expect((await lists.checkInLists(gate, event.id)).map((l) => l.name)).toEqual(["VIP area", "Day 2"]);
    const fan = await newCustomer(world);
    const pass = { usesAllowed: 3, validFrom: clock.now(), validUntil: new Date(clock.now().getTime() + 3 * DAY) };
    const vipTicket = (await post({ issueNumber: "V-1", holderPhone: fan.phoneNumber, checkInListIds: [vip.id], ...pass })).ticket;
    const plain = (await post({ issueNumber: "P-1", holderPhone: fan.phoneNumber, ...pass })).ticket;
    expect(await errorCodeOf(post({ issueNumber: "X-1", holderPhone: fan.phoneNumber, checkInListIds: [(await venue()).event.id] }))).toBe("BAD_USER_INPUT");

    // The offline gate decides on the same snapshot by the same rule.
    const offline = new OfflineGate({ gateSnapshot: async () => asJson(await world.services.gateSnapshots.gateSnapshot(gate, event.id, null)) } as unknown as GateClient, event.id, "VIP door", { listId: vip.id });
    await offline.refresh();
    expect(offline.search("P-1").map((h) => h.ticketId)).toEqual([plain.id]);
    const vipCode = await codeFor(fan.caller, vipTicket.id);
    const plainCode = await codeFor(fan.caller, plain.id);
    expect((await offline.decide(plainCode, { now: clock.now() })).reason).toBe("NOT_ON_LIST");
    expect((await offline.decide(vipCode, { now: clock.now() })).result).toBe("ADMITTED");

    expect(await admit(plainCode, gate, vip.id)).toMatchObject({ result: "DENIED", reason: "NOT_ON_LIST", ticket: { ticket: { id: plain.id } } });
    expect(await admit(vipCode, gate, vip.id)).toMatchObject({ result: "ADMITTED", listId: vip.id });
    expect((await admit(plainCode, gate, dayTwo.id)).reason).toBe("NOT_YET_VALID");
    clock.advance(DAY);
    const dayTwoCode = await codeFor(fan.caller, plain.id);
    expect((await admit(dayTwoCode, gate, dayTwo.id)).result).toBe("ADMITTED");
    clock.advance(DAY);
    expect((await admit(await codeFor(fan.caller, plain.id), gate, dayTwo.id)).reason).toBe("EXPIRED");
    expect(await errorCodeOf(admit(vipCode, gate, (await venue()).event.id))).toBe("NOT_FOUND");
    expect((await attendance()).byList).toEqual([
      { listId: vip.id, name: "VIP area", admitted: 1 },
      { listId: dayTwo.id, name: "Day 2", admitted: 1 },
    ]);
  });

  it("moves an offered ticket only when the receiver accepts; tells both phones; the giver cancels while it is offered", async () => {
    const { post, admit } = await venue({ maxTransfers: 2 });
    const giver = await newCustomer(world);
    const receiverPhone = randomPhone();
    await world.services.customers.enroll(world.admin, { phone: receiverPhone, name: "Receiver", password: PASSWORD });
    const receiver = await login(world, receiverPhone);
    const { ticket } = await post({ issueNumber: "O-1", holderPhone: giver.phoneNumber, attendeeName: "Giver Name" });
    const giverCode = await codeFor(giver.caller, ticket.id);
    const heard = listen(world.services.live.ticketOffers(receiver));

    const offer = await world.services.ticketOffers.offerTicket(giver.caller, ticket.id, receiverPhone);
    expect(offer).toMatchObject({ status: "OFFERED", incoming: false, toPhone: receiverPhone });
    await heard.settled();
    expect(heard.received).toEqual([expect.objectContaining({ id: offer.id, status: "OFFERED", incoming: true, fromPhone: expect.stringMatching(/^•+\d\d$/) })]);
    expect(await errorCodeOf(world.services.ticketOffers.offerTicket(giver.caller, ticket.id, randomPhone()))).toBe("FORBIDDEN"); // one open offer
    expect((await world.services.tickets.tickets(giver.caller)).map((v) => v.ticket.id)).toEqual([ticket.id]); // not moved yet
    expect(await errorCodeOf(world.services.ticketOffers.acceptTicketOffer(giver.caller, offer.id))).toBe("NOT_FOUND");

    const [mine] = await world.services.ticketOffers.ticketOffers(receiver);
    expect(mine).toMatchObject({ id: offer.id, incoming: true, status: "OFFERED" });
    const accepted = await world.services.ticketOffers.acceptTicketOffer(receiver, offer.id, "Receiver Name");
    expect(accepted.status).toBe("ACCEPTED");
    expect(await errorCodeOf(world.services.ticketOffers.cancelTicketOffer(giver.caller, offer.id))).toBe("BAD_USER_INPUT");
    const [held] = await world.services.tickets.tickets(receiver);
    expect(held.ticket).toMatchObject({ id: ticket.id, attendeeName: "Receiver Name", holderVersion: 2 });
    expect((await admit(giverCode)).reason).toBe("INVALID"); // the giver's code is void

    // Offered back, then cancelled by the giver (now the receiver), then declined: nothing moves.
    const back = await world.services.ticketOffers.offerTicket(receiver, ticket.id, giver.phoneNumber);
    const [cancel, accept] = await Promise.allSettled([
      world.services.ticketOffers.cancelTicketOffer(receiver, back.id),
      world.services.ticketOffers.acceptTicketOffer(giver.caller, back.id),
    ]);
    expect([cancel, accept].filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const holderNow = (await world.services.tickets.tickets(receiver)).length === 1 ? receiverPhone : giver.phoneNumber;
    expect(holderNow).toBe(cancel.status === "fulfilled" ? receiverPhone : giver.phoneNumber);
  });

  it("expires an offer nobody answered, or whose ticket was used meanwhile; an accept racing the gate wins or loses whole", async () => {
    const { post } = await venue();
    const giver = await newCustomer(world);
    const receiver = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "E-1", holderPhone: giver.phoneNumber });
    const offer = await world.services.ticketOffers.offerTicket(giver.caller, ticket.id, receiver.phoneNumber);
    clock.advance(48 * HOUR + 1);
    expect(await errorCodeOf(world.services.ticketOffers.acceptTicketOffer(receiver.caller, offer.id))).toBe("BAD_USER_INPUT");
    expect((await world.services.ticketOffers.ticketOffers(giver.caller))[0].status).toBe("EXPIRED");

    const later = await venue();
    const { ticket: raced } = await later.post({ issueNumber: "E-2", holderPhone: giver.phoneNumber });
    const racedOffer = await world.services.ticketOffers.offerTicket(giver.caller, raced.id, receiver.phoneNumber);
    const code = await codeFor(giver.caller, raced.id);
    const [scan, accept] = await Promise.allSettled([later.admit(code), world.services.ticketOffers.acceptTicketOffer(receiver.caller, racedOffer.id)]);
    const admitted = scan.status === "fulfilled" && scan.value.result === "ADMITTED";
    expect(admitted).toBe(accept.status === "rejected");
    const [status] = (await world.services.ticketOffers.ticketOffers(receiver.caller)).filter((o) => o.id === racedOffer.id).map((o) => o.status);
    expect(status).toBe(admitted ? "EXPIRED" : "ACCEPTED");
  });
});
