import { judgeScan, showsTicket, type DenialReason, type Scan, type ScannedTicket } from "../../src/services/admission-rules";
import type { TicketClaims } from "../../src/services/crypto/ticket-signer";

const HOUR = 3_600_000;
const now = new Date("2030-06-01T18:00:00Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A scan every rule lets through: the right event, the holder's current code, inside its validity. */
function goodScan(): Scan & { claims: TicketClaims; ticket: ScannedTicket } {
  const ticket: ScannedTicket = {
    id: "ticket-1",
    partnerId: "shop-1",
    eventId: "event-1",
    holderVersion: 2,
    revokedAt: null,
    validFrom: new Date(now.getTime() - HOUR),
    validUntil: new Date(now.getTime() + 6 * HOUR),
  };
  const claims: TicketClaims = {
    k: "key-1",
    t: ticket.id,
    e: ticket.eventId,
    v: ticket.holderVersion,
    vf: seconds(ticket.validFrom),
    vu: seconds(ticket.validUntil),
    x: seconds(now) + 600,
  };
  return { claims, ticket, partnerId: "shop-1", eventId: "event-1", now };
}

const deniedFor = (scan: Scan) => judgeScan(scan).denied;

describe("admission rules", () => {
  it("let a good scan through to the database, which takes the use (or finds none left)", () => {
    const scan = goodScan();
    expect(judgeScan(scan)).toEqual({ denied: null, claims: scan.claims, ticket: scan.ticket });
  });

  it("deny a code that never was one of ours as INVALID, counted as guessing", () => {
    const scan = goodScan();
    for (const notOurs of [
      { ...scan, claims: null },
      { ...scan, ticket: null },
      { ...scan, ticket: { ...scan.ticket, partnerId: "shop-2" } },
    ]) {
      expect(judgeScan(notOurs)).toEqual({ denied: "INVALID", wrongCode: true });
    }
  });

  it("deny each way a genuine code is wrong, none of them counted as guessing", () => {
    const scan = goodScan();
    const cases: Array<[string, Scan]> = [
      ["WRONG_EVENT", { ...scan, eventId: "event-2" }],
      ["WRONG_EVENT", { ...scan, ticket: { ...scan.ticket, eventId: "event-2" } }],
      ["REVOKED", { ...scan, ticket: { ...scan.ticket, revokedAt: new Date(now.getTime() - HOUR) } }],
      ["INVALID", { ...scan, ticket: { ...scan.ticket, holderVersion: 3 } }],
      ["NOT_YET_VALID", { ...scan, ticket: { ...scan.ticket, validFrom: new Date(now.getTime() + 1) } }],
      ["EXPIRED", { ...scan, ticket: { ...scan.ticket, validUntil: now } }],
      ["EXPIRED", { ...scan, claims: { ...scan.claims, x: seconds(now) } }],
    ];
    for (const [reason, denied] of cases) expect([reason, judgeScan(denied)]).toEqual([reason, { denied: reason, wrongCode: false }]);
  });

  it("take the first rule that holds: event, revocation, holder, then time", () => {
    const scan = goodScan();
    const revoked = { ...scan.ticket, revokedAt: now, holderVersion: 3 }; // a revocation moves the version too
    expect(deniedFor({ ...scan, eventId: "event-2", ticket: revoked })).toBe("WRONG_EVENT");
    expect(deniedFor({ ...scan, ticket: revoked })).toBe("REVOKED");
    const allotted = { ...scan.ticket, holderVersion: 3, validUntil: now };
    expect(deniedFor({ ...scan, ticket: allotted })).toBe("INVALID");
    const early = { ...scan.ticket, validFrom: new Date(now.getTime() + HOUR) };
    expect(deniedFor({ ...scan, ticket: early, claims: { ...scan.claims, x: seconds(now) - 1 } })).toBe("NOT_YET_VALID");
  });

  it("show the ticket when admitted or for a holder's code at the wrong moment, never for another's code or event", () => {
    expect(showsTicket(null)).toBe(true);
    const holdersCode: DenialReason[] = ["ALREADY_USED", "NOT_YET_VALID", "EXPIRED", "REVOKED"];
    expect(holdersCode.filter(showsTicket)).toEqual(holdersCode);
    expect(showsTicket("INVALID")).toBe(false);
    expect(showsTicket("WRONG_EVENT")).toBe(false);
  });
});
