import { DENIAL_REASONS, afterDecision, decideScan, showsTicket, type DenialReason, type Scan, type TicketClaims, type TicketState } from "../../clients/wire/admission-rules";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const now = new Date("2030-06-01T18:00:00Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A scan every rule lets through: the right event, the holder's current code, inside its validity. */
function goodScan(): Scan & { claims: TicketClaims; ticket: TicketState } {
  const ticket: TicketState = {
    id: "ticket-1",
    eventId: "event-1",
    holderVersion: 2,
    revoked: false,
    validFrom: new Date(now.getTime() - HOUR),
    validUntil: new Date(now.getTime() + 6 * HOUR),
    usesAllowed: 1,
    usesLeft: 1,
    minMinutesBetweenUses: null,
    lastUsedAt: null,
    inside: false,
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
  return { claims, ticket, eventId: "event-1", allowReentry: false, exit: false, now };
}

const reasonOf = (scan: Scan) => {
  const decision = decideScan(scan);
  return decision.result === "DENIED" ? decision.reason : decision.result;
};

describe("admission rules (one decision for the server and the offline gate)", () => {
  it("admit a good scan, taking a use", () => {
    expect(decideScan(goodScan())).toEqual({ result: "ADMITTED", reason: null, takesUse: true });
  });

  it("deny a code that never was one of ours as INVALID, counted as guessing", () => {
    const scan = goodScan();
    for (const notOurs of [{ ...scan, claims: null }, { ...scan, ticket: null }]) {
      expect(decideScan(notOurs)).toEqual({ result: "DENIED", reason: "INVALID", wrongCode: true });
    }
  });

  it("deny each way a genuine code is wrong, none of them counted as guessing", () => {
    const scan = goodScan();
    const cases: Array<[DenialReason, Scan]> = [
      ["WRONG_EVENT", { ...scan, eventId: "event-2" }],
      ["WRONG_EVENT", { ...scan, ticket: { ...scan.ticket, eventId: "event-2" } }],
      ["REVOKED", { ...scan, ticket: { ...scan.ticket, revoked: true } }],
      ["INVALID", { ...scan, ticket: { ...scan.ticket, holderVersion: 3 } }],
      ["NOT_YET_VALID", { ...scan, ticket: { ...scan.ticket, validFrom: new Date(now.getTime() + 1) } }],
      ["EXPIRED", { ...scan, ticket: { ...scan.ticket, validUntil: now } }],
      ["EXPIRED", { ...scan, claims: { ...scan.claims, x: seconds(now) } }],
      ["ALREADY_USED", { ...scan, ticket: { ...scan.ticket, usesLeft: 0, lastUsedAt: now } }],
    ];
    for (const [reason, denied] of cases) expect([reason, decideScan(denied)]).toEqual([reason, { result: "DENIED", reason, wrongCode: false }]);
  });

  it("take the first rule that holds: event, revocation, holder, then time, then uses", () => {
    const scan = goodScan();
    const revoked = { ...scan.ticket, revoked: true, holderVersion: 3 }; // a revocation moves the version too
    expect(reasonOf({ ...scan, eventId: "event-2", ticket: revoked })).toBe("WRONG_EVENT");
    expect(reasonOf({ ...scan, ticket: revoked })).toBe("REVOKED");
    expect(reasonOf({ ...scan, ticket: { ...scan.ticket, holderVersion: 3, validUntil: now } })).toBe("INVALID");
    const early = { ...scan.ticket, validFrom: new Date(now.getTime() + HOUR), usesLeft: 0 };
    expect(reasonOf({ ...scan, ticket: early, claims: { ...scan.claims, x: seconds(now) - 1 } })).toBe("NOT_YET_VALID");
  });

  it("refuse a pass shown again within its interval, on either side of the last use", () => {
    const scan = goodScan();
    const pass = { ...scan.ticket, usesAllowed: 10, usesLeft: 9, minMinutesBetweenUses: 30 };
    expect(reasonOf({ ...scan, ticket: { ...pass, lastUsedAt: new Date(now.getTime() - 29 * MINUTE) } })).toBe("TOO_SOON");
    expect(reasonOf({ ...scan, ticket: { ...pass, lastUsedAt: new Date(now.getTime() + 29 * MINUTE) } })).toBe("TOO_SOON");
    expect(reasonOf({ ...scan, ticket: { ...pass, lastUsedAt: new Date(now.getTime() - 30 * MINUTE) } })).toBe("ADMITTED");
    expect(reasonOf({ ...scan, ticket: { ...pass, usesLeft: 0, lastUsedAt: now } })).toBe("ALREADY_USED");
  });

  it("let anyone with a genuine code of the event out, and a single-entry ticket back in only where the event allows it", () => {
    const scan = goodScan();
    const used = { ...scan.ticket, usesLeft: 0, lastUsedAt: new Date(now.getTime() - HOUR) };
    expect(decideScan({ ...scan, exit: true, ticket: { ...used, revoked: true, holderVersion: 9 } })).toEqual({ result: "EXITED", reason: null });
    expect(reasonOf({ ...scan, exit: true, claims: null })).toBe("INVALID");
    expect(reasonOf({ ...scan, ticket: used })).toBe("ALREADY_USED");
    expect(decideScan({ ...scan, allowReentry: true, ticket: used })).toEqual({ result: "ADMITTED", reason: null, takesUse: false });
    expect(reasonOf({ ...scan, allowReentry: true, ticket: { ...used, inside: true } })).toBe("ALREADY_USED");
    expect(reasonOf({ ...scan, allowReentry: true, ticket: { ...used, usesAllowed: 3 } })).toBe("ALREADY_USED");
  });

  it("refuse the exit of a ticket never admitted", () => {
    const scan = goodScan();
    expect(decideScan({ ...scan, exit: true })).toEqual({ result: "DENIED", reason: "NOT_ADMITTED", wrongCode: false });
    expect(showsTicket("NOT_ADMITTED")).toBe(true);
  });

  it("admit one rotating window once, and judge a rotating code by the gate's clock only near the time both sides trust", () => {
    const scan = goodScan();
    const rotating = { ...scan, claims: { ...scan.claims, d: "device-key", di: "device-1", a: "Ed25519" as const, w: 42 }, ticket: { ...scan.ticket, usesAllowed: 5, usesLeft: 5 } };
    const admitted = afterDecision(rotating.ticket, decideScan(rotating), now, 42);
    expect(admitted.usedWindows).toEqual([42]);
    expect(reasonOf({ ...rotating, ticket: admitted })).toBe("ALREADY_USED");
    expect(reasonOf({ ...rotating, ticket: admitted, claims: { ...rotating.claims, w: 43 } })).toBe("ADMITTED");
    expect(reasonOf({ ...rotating, offlineSince: new Date(now.getTime() - 10 * MINUTE) })).toBe("ADMITTED");
    expect(reasonOf({ ...rotating, offlineSince: new Date(now.getTime() - 10 * MINUTE - 1) })).toBe("STALE");
    expect(reasonOf({ ...rotating, offlineSince: new Date(now.getTime() + 20 * MINUTE) })).toBe("STALE");
    // A static code is judged by the gate's clock however long it was offline.
    expect(reasonOf({ ...scan, offlineSince: new Date(now.getTime() + 20 * HOUR) })).toBe("ADMITTED");
  });

  it("keep an offline gate's own state between its scans", () => {
    const scan = goodScan();
    const admitted = afterDecision(scan.ticket, decideScan(scan), now);
    expect(admitted).toMatchObject({ usesLeft: 0, lastUsedAt: now, inside: true });
    expect(reasonOf({ ...scan, ticket: admitted })).toBe("ALREADY_USED");
    const left = afterDecision(admitted, decideScan({ ...scan, ticket: admitted, exit: true }), now);
    expect(left.inside).toBe(false);
    expect(reasonOf({ ...scan, ticket: left, allowReentry: true })).toBe("ADMITTED");
  });

  it("show the ticket when admitted or for a holder's code at the wrong moment, never for another's code or event", () => {
    expect(showsTicket(null)).toBe(true);
    const holdersCode: DenialReason[] = ["ALREADY_USED", "NOT_YET_VALID", "EXPIRED", "REVOKED", "TOO_SOON"];
    expect(holdersCode.filter(showsTicket)).toEqual(holdersCode);
    expect(showsTicket("INVALID")).toBe(false);
    expect(showsTicket("WRONG_EVENT")).toBe(false);
  });
});

describe("a check-in list's rule, in the same decision", () => {
  const list = { id: "vip", allTickets: false, opensAt: null, closesAt: null };

  it("admits only the tickets a naming list names, and any ticket on a list that takes all", () => {
    const scan = goodScan();
    expect(reasonOf({ ...scan, list })).toBe("NOT_ON_LIST");
    expect(reasonOf({ ...scan, list, ticket: { ...scan.ticket, listIds: ["day-1"] } })).toBe("NOT_ON_LIST");
    expect(reasonOf({ ...scan, list, ticket: { ...scan.ticket, listIds: ["day-1", "vip"] } })).toBe("ADMITTED");
    expect(reasonOf({ ...scan, list: { ...list, allTickets: true } })).toBe("ADMITTED");
    expect(showsTicket("NOT_ON_LIST")).toBe(true);
  });

  it("admits only while the list is open, and checks the ticket's own validity and holder first", () => {
    const scan = goodScan();
    const all = { ...list, allTickets: true };
    expect(reasonOf({ ...scan, list: { ...all, opensAt: new Date(now.getTime() + 1) } })).toBe("NOT_YET_VALID");
    expect(reasonOf({ ...scan, list: { ...all, opensAt: now, closesAt: new Date(now.getTime() + 1) } })).toBe("ADMITTED");
    expect(reasonOf({ ...scan, list: { ...all, closesAt: now } })).toBe("EXPIRED");
    expect(reasonOf({ ...scan, list, ticket: { ...scan.ticket, holderVersion: 3 } })).toBe("INVALID");
    expect(reasonOf({ ...scan, list, ticket: { ...scan.ticket, revoked: true } })).toBe("REVOKED");
    // An exit is never refused for a list.
    expect(reasonOf({ ...scan, list, exit: true, ticket: { ...scan.ticket, lastUsedAt: now } })).toBe("EXITED");
  });

  it("on a list that names it, a used ticket is ALREADY_USED: a list shares the ticket's uses", () => {
    const scan = goodScan();
    expect(reasonOf({ ...scan, list, ticket: { ...scan.ticket, listIds: ["vip"], usesLeft: 0, lastUsedAt: now } })).toBe("ALREADY_USED");
  });
});

describe("the denial reasons", () => {
  it("are all named where a gate's maker reads them: the schema's Admission.reason and the contract's comment on it", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { buildSchema, GraphQLObjectType } = await import("graphql");
    const { printSchemaSdl } = await import("../../scripts/schema-sdl");
    const admission = buildSchema(await printSchemaSdl()).getType("Admission") as InstanceType<typeof GraphQLObjectType>;
    const described = admission.getFields().reason.description ?? "";
    const contract = readFileSync(join(__dirname, "..", "..", "api", "contract.graphql"), "utf8");
    // The comment on Admission's own reason field (other types have a reason too).
    const admissionType = /^type Admission \{[^}]*\}/m.exec(contract)?.[0] ?? "";
    const commented = /^\s*reason: String\s*#(.*)$/m.exec(admissionType)?.[1] ?? "";
    for (const reason of DENIAL_REASONS) expect({ reason, described, commented }).toEqual({ reason, described: expect.stringContaining(reason), commented: expect.stringContaining(reason) });
  });
});
