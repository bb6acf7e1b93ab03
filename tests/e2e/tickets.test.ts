import { createPublicKey, verify } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { fromBase45, toBase45 } from "../../clients/wire/base45";
import { STATIC_CODE_PREFIX, parseStaticTicketCode } from "../../clients/wire/compact-ticket";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const HOUR = 3_600_000;

/** Checks a T3 ticket code the way an offline gate would: the signature over the prefix and the body, with the public key. */
function verifyOffline(code: string, publicKeyPem: string): { t: string; e: string; x: number } | null {
  const parsed = parseStaticTicketCode(code);
  const ok = parsed && verify(null, parsed.signed, createPublicKey(publicKeyPem), parsed.signature);
  return ok ? parsed.fields : null;
}

// The admission rules (denials, allotment, passes, code kinds) are tests/service/tickets.test.ts.
describe.each(engines)("tickets on the phone, admission at the gate (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  /** A ticket shop with a gate, and an event whose doors open in `doorsInHours`. */
  async function venue(doorsInHours = 3) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const doors = clock.now().getTime() + doorsInHours * HOUR;
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(doors).toISOString(),
      startsAt: new Date(doors + HOUR).toISOString(),
    });
    return { admin, shop, gate, event, doors };
  }

  it("releases the code an hour before doors, signs it for offline checks, and admits it once", async () => {
    const { shop, gate, event, doors } = await venue(3);
    const fan = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "BDK-0001", holderPhone: fan.phoneNumber, seat: "A-12" });
    expect(ticket).toMatchObject({ usesAllowed: 1, usesLeft: 1, holderPhone: fan.phoneNumber, seat: "A-12" });
    expect(new Date(ticket.releasedAt).getTime()).toBe(doors - HOUR);
    expect((await fan.phone.tickets()).map((t) => t.id)).toEqual([ticket.id]);

    const early = await errorCodeOf(fan.phone.issueTicketCode(ticket.id, PASSWORD));
    expect(early).toBe("TICKET_NOT_RELEASED");
    clock.advance(2 * HOUR + 1); // one hour before doors
    const { code, kind } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    expect(kind).toBe("TICKET");

    const publicKey = await gate.ticketSigningKey();
    const claims = verifyOffline(code, publicKey);
    expect(claims).toMatchObject({ t: ticket.id, e: event.id });
    expect(code.length).toBeLessThanOrEqual(200);
    const bytes = fromBase45(code.slice(STATIC_CODE_PREFIX.length))!;
    bytes[bytes.length - 10] ^= 0x01;
    expect(verifyOffline(STATIC_CODE_PREFIX + toBase45(bytes), publicKey)).toBeNull();
    expect((await gate.lookupTicket(code)).ticket).toMatchObject({ id: ticket.id, usesLeft: 1 });

    expect(await gate.admitTicket(code, event.id, "East 1")).toMatchObject({ result: "DENIED", reason: "NOT_YET_VALID", admittedCount: 0 });
    clock.advance(HOUR); // doors open
    expect(await gate.admitTicket(code, event.id, "East 1")).toMatchObject({ result: "ADMITTED", reason: null, admittedCount: 1 });
    expect(await gate.admitTicket(code, event.id, "East 2")).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", admittedCount: 1 });
    expect(await shop.attendance(event.id)).toMatchObject({ eventId: event.id, ticketsIssued: 1, admitted: 1 });
  });

  it("admits exactly once when 8 gates scan one code at the same instant, and counts it live", async () => {
    const { admin, shop, gate, event } = await venue(0);
    const fan = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "RACE-1", holderPhone: fan.phoneNumber });
    const { code } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    const partnerId = (await admin.createPartner("Someone else")).id;
    const strangerGate = new GateClient(server.url, (await admin.issueApiKey("GATE", partnerId)).key);

    const live = gate.admissions(event.id);
    const shopLive = shop.admissions(event.id);
    const foreign = strangerGate.admissions(event.id);
    try {
      await Promise.all([live.ready, shopLive.ready]);
      await expect(foreign.next(2000)).rejects.toMatchObject({ code: "FORBIDDEN" });

      const gates = Array.from({ length: 8 }, (_, i) => gate.admitTicket(code, event.id, `Gate ${i + 1}`));
      const outcomes = await Promise.all(gates);
      expect(outcomes.filter((a) => a.result === "ADMITTED")).toHaveLength(1);
      expect(outcomes.filter((a) => a.reason === "ALREADY_USED")).toHaveLength(7);

      const seen = await Promise.all(Array.from({ length: 8 }, () => live.next(2000)));
      expect(seen.filter((a) => a.result === "ADMITTED").map((a) => a.admittedCount)).toEqual([1]);
      expect((await shopLive.next(2000)).admittedCount).toBe(outcomes[0].admittedCount);
      expect(await gate.attendance(event.id)).toMatchObject({ eventId: event.id, ticketsIssued: 1, admitted: 1 });
      expect(await errorCodeOf(strangerGate.attendance(event.id))).toBe("FORBIDDEN");
    } finally {
      await Promise.all([gate.live.close(), shop.live.close(), strangerGate.live.close()]);
    }
  });
});
