import { createPublicKey, verify } from "node:crypto";
import { fromBase45, toBase45 } from "../../clients/wire/base45";
import { STATIC_CODE_PREFIX, parseStaticTicketCode } from "../../clients/wire/compact-ticket";
import { ManualClock } from "../../src/clock";
import type { Caller } from "../../src/services/kernel/caller";
import type { PostTicketInput } from "../../src/services/tickets/ticket.service";
import { engines } from "../support/databases";
import { listen, login, newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf, randomPhone } from "../support/test-data";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Checks a T3 ticket code the way an offline gate would: the signature over the prefix and the body, with the public key. */
function verifyOffline(code: string, publicKeyPem: string): { t: string; e: string; x: number } | null {
  const parsed = parseStaticTicketCode(code);
  const ok = parsed && verify(null, parsed.signed, createPublicKey(publicKeyPem), parsed.signature);
  return ok ? parsed.fields : null;
}

describe.each(engines)("tickets: release, admission rules, allotment and passes (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());

  /** A ticket shop with a gate, and an event whose doors open in `doorsInHours`. */
  async function venue(doorsInHours = 3) {
    const { hq: shop, gate } = await newPartner(world, "Budokan Tickets");
    const doors = clock.now().getTime() + doorsInHours * HOUR;
    const event = await world.services.ticketEvents.createEvent(shop, {
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(doors),
      startsAt: new Date(doors + HOUR),
    });
    const post = (input: Omit<PostTicketInput, "eventId">) => world.services.tickets.postTicket(shop, { eventId: event.id, ...input });
    const admit = (code: string, eventId = event.id, gateName: string | null = null) => world.services.admissions.admitTicket(gate, code, eventId, gateName);
    return { shop, gate, event, doors, post, admit };
  }

  const codeFor = async (holder: Caller, ticketId: string) => (await world.services.tickets.issueTicketCode(holder, ticketId, PASSWORD)).code;
  const issueNumbers = async (holder: Caller) => (await world.services.tickets.tickets(holder)).map((v) => v.ticket.issueNumber).sort();

  it("releases the code an hour before doors, signs it for offline checks, is idempotent on the issue number, and admits once", async () => {
    const { shop, gate, event, doors, post, admit } = await venue(3);
    const fan = await newCustomer(world);
    const posted = await post({ issueNumber: "BDK-0001", holderPhone: fan.phoneNumber, seat: "A-12" });
    expect(posted.ticket).toMatchObject({ usesAllowed: 1, usesLeft: 1, holderPhone: fan.phoneNumber, seat: "A-12" });
    expect(posted.releasedAt.getTime()).toBe(doors - HOUR);
    expect((await post({ issueNumber: "BDK-0001", holderPhone: fan.phoneNumber, seat: "A-12" })).ticket.id).toBe(posted.ticket.id);
    expect(await errorCodeOf(post({ issueNumber: "BDK-0001", holderPhone: fan.phoneNumber, seat: "B-1" }))).toBe("IDEMPOTENCY_CONFLICT");
    expect((await world.services.tickets.tickets(fan.caller)).map((v) => v.ticket.id)).toEqual([posted.ticket.id]);

    expect(await errorCodeOf(codeFor(fan.caller, posted.ticket.id))).toBe("TICKET_NOT_RELEASED");
    clock.advance(2 * HOUR + 1); // one hour before doors
    const issued = await world.services.tickets.issueTicketCode(fan.caller, posted.ticket.id, PASSWORD);
    expect(issued.kind).toBe("TICKET");

    const publicKey = world.services.tickets.ticketSigningKey();
    expect(verifyOffline(issued.code, publicKey)).toMatchObject({ t: posted.ticket.id, e: event.id });
    expect(issued.code.length).toBeLessThanOrEqual(200);
    const bytes = fromBase45(issued.code.slice(STATIC_CODE_PREFIX.length))!;
    bytes[bytes.length - 10] ^= 0x01;
    expect(verifyOffline(STATIC_CODE_PREFIX + toBase45(bytes), publicKey)).toBeNull();
    expect((await world.services.lookup.lookupCode(gate, issued.code)).ticket?.ticket).toMatchObject({ id: posted.ticket.id, usesLeft: 1 });

    expect(await admit(issued.code, event.id, "East 1")).toMatchObject({ result: "DENIED", reason: "NOT_YET_VALID", admittedCount: 0 });
    clock.advance(HOUR); // doors open
    expect(await admit(issued.code, event.id, "East 1")).toMatchObject({ result: "ADMITTED", reason: null, admittedCount: 1 });
    expect(await admit(issued.code, event.id, "East 2")).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", admittedCount: 1 });
    expect(await world.services.ticketEvents.attendance(shop, event.id)).toMatchObject({ eventId: event.id, ticketsIssued: 1, admitted: 1, inside: 1 });
  });

  it("names every reason for a denial", async () => {
    const { shop, post, admit } = await venue(0.5);
    const other = await world.services.ticketEvents.createEvent(shop, {
      title: "Other night",
      venue: "Nippon Budokan",
      doorsOpenAt: clock.now(),
      startsAt: new Date(clock.now().getTime() + HOUR),
    });
    const fan = await newCustomer(world);
    clock.advance(HOUR); // doors are open
    const revoked = await post({ issueNumber: "R-1", holderPhone: fan.phoneNumber });
    const revokedCode = await codeFor(fan.caller, revoked.ticket.id);
    await world.services.tickets.revokeTicket(shop, "R-1");
    const short = await post({ issueNumber: "S-1", holderPhone: fan.phoneNumber, validUntil: new Date(clock.now().getTime() + 10 * 60_000) });
    const shortCode = await codeFor(fan.caller, short.ticket.id);
    const good = await post({ issueNumber: "G-1", holderPhone: fan.phoneNumber });
    const goodCode = await codeFor(fan.caller, good.ticket.id);

    expect((await admit(revokedCode)).reason).toBe("REVOKED");
    expect((await admit(goodCode, other.id)).reason).toBe("WRONG_EVENT");
    expect((await admit("T1.bm90LXNpZ25lZA.AAAA")).reason).toBe("INVALID");
    expect((await admit("garbage")).reason).toBe("INVALID");
    expect(await issueNumbers(fan.caller)).toEqual(["G-1", "S-1"]);
    clock.advance(11 * 60_000);
    expect((await admit(shortCode)).reason).toBe("EXPIRED");
    expect((await admit(goodCode)).result).toBe("ADMITTED");
    expect(await errorCodeOf(admit(goodCode, "00000000-0000-7000-8000-000000000000"))).toBe("NOT_FOUND");
  });

  it("allots a ticket to a friend: the old code is denied, the friend's code admits", async () => {
    const { post, admit } = await venue(0.5);
    const buyer = await newCustomer(world);
    const friendPhone = randomPhone();
    const { ticket } = await post({ issueNumber: "AL-1", holderPhone: buyer.phoneNumber });
    const oldCode = await codeFor(buyer.caller, ticket.id);

    // The friend is not enrolled yet: the ticket is held for the number.
    const allotted = await world.services.tickets.allotTicket(buyer.caller, ticket.id, friendPhone);
    expect(allotted.ticket.holderPhone).toBe(friendPhone);
    expect(await world.services.tickets.tickets(buyer.caller)).toEqual([]);
    expect(await errorCodeOf(codeFor(buyer.caller, ticket.id))).toBe("NOT_FOUND");

    await world.services.customers.enroll(world.admin, { phone: friendPhone, name: "Friend", password: PASSWORD });
    const friend = await login(world, friendPhone);
    expect((await world.services.tickets.tickets(friend)).map((v) => v.ticket.id)).toEqual([ticket.id]);
    const friendCode = await codeFor(friend, ticket.id);

    clock.advance(HOUR);
    expect(await admit(oldCode)).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await admit(friendCode)).toMatchObject({ result: "ADMITTED", ticket: { ticket: { holderPhone: friendPhone } } });
  });

  it("serves a 3-use pass over several days", async () => {
    const { post, admit } = await venue(0);
    const rider = await newCustomer(world);
    const pass = await post({
      issueNumber: "PASS-3",
      holderPhone: rider.phoneNumber,
      usesAllowed: 3,
      validFrom: clock.now(),
      validUntil: new Date(clock.now().getTime() + 3 * DAY),
    });
    const results: string[] = [];
    for (let day = 0; day < 4; day++) {
      const admission = await admit(await codeFor(rider.caller, pass.ticket.id));
      results.push(admission.result === "ADMITTED" ? `ADMITTED ${admission.ticket?.ticket.usesLeft}` : String(admission.reason));
      clock.advance(DAY / 2);
    }
    expect(results).toEqual(["ADMITTED 2", "ADMITTED 1", "ADMITTED 0", "ALREADY_USED"]);
  });

  it("admits exactly once when 8 gates scan one code at the same instant; only the event's own gates see it", async () => {
    const { shop, gate, event, post, admit } = await venue(0);
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "RACE-1", holderPhone: fan.phoneNumber });
    const code = await codeFor(fan.caller, ticket.id);
    const stranger = await newPartner(world, "Someone else");
    expect(await errorCodeOf(world.services.live.admissions(stranger.gate, event.id))).toBe("FORBIDDEN");
    const heard = listen(await world.services.live.admissions(gate, event.id));
    try {
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => admit(code, event.id, `Gate ${i + 1}`)));
      expect(outcomes.filter((a) => a.result === "ADMITTED")).toHaveLength(1);
      expect(outcomes.filter((a) => a.reason === "ALREADY_USED")).toHaveLength(7);
      await heard.settled();
      expect(heard.received).toHaveLength(8);
      expect(heard.received.filter((a) => a.result === "ADMITTED").map((a) => a.admittedCount)).toEqual([1]);
      expect(await world.services.ticketEvents.attendance(gate, event.id)).toMatchObject({ eventId: event.id, ticketsIssued: 1, admitted: 1, inside: 1 });
      expect(await errorCodeOf(world.services.ticketEvents.attendance(stranger.gate, event.id))).toBe("FORBIDDEN");
      expect(await errorCodeOf(world.services.ticketEvents.attendance(stranger.hq, event.id))).toBe("FORBIDDEN");
      expect((await world.services.ticketEvents.attendance(shop, event.id)).admitted).toBe(1);
    } finally {
      await heard.close();
    }
  });

  it("keeps ticket codes and digit codes apart", async () => {
    const { gate, post } = await venue(0);
    const fan = await newCustomer(world);
    const { ticket } = await post({ issueNumber: "KIND-1", holderPhone: fan.phoneNumber });
    const code = await codeFor(fan.caller, ticket.id);
    const { register } = await newStore(world, { name: "Kiosk" });
    expect(await errorCodeOf(world.services.payments.redeemCode(register, code, { amount: 100, currency: "JPY" }, "kind-1"))).toBe("CODE_WRONG_KIND");
    const payment = await world.services.codes.issuePaymentCode(fan.caller, fan.card.id, PASSWORD, null);
    expect(await errorCodeOf(world.services.lookup.lookupCode(gate, payment.code))).toBe("CODE_WRONG_KIND");
  });
});
