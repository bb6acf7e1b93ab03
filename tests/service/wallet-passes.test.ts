import { ManualClock } from "../../src/clock";
import { OutboxMessageEntity, WalletPassEntity } from "../../src/entities";
import type { Caller } from "../../src/services/kernel/caller";
import { APNS_TOPIC, GOOGLE_TOPIC } from "../../src/services/passes/wallet-pass.service";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";
import { GOOGLE_ISSUER_ID, PASS_TYPE_ID, apnsStandIn, googleStandIn, openPass, saveLinkClaims, walletCredentials } from "../support/wallet-passes";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PUSH_TOKEN_A = "a1".repeat(32);
const PUSH_TOKEN_B = "b2".repeat(32);

describe.each(engines)("Wallet passes: tickets and member cards, their updates, and every failure on the way (%s)", (engine) => {
  let world: ServiceWorld;
  let apns: Awaited<ReturnType<typeof apnsStandIn>>;
  let google: Awaited<ReturnType<typeof googleStandIn>>;
  const credentials = walletCredentials();
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));

  beforeAll(async () => {
    apns = await apnsStandIn(credentials.apple);
    google = await googleStandIn(credentials.googlePublicKey, credentials.serviceAccount.client_email);
    world = await serviceWorld(engine, {
      clock,
      env: {
        ...credentials.env,
        ...google.env,
        APNS_ORIGIN: apns.origin,
        APNS_CA: credentials.apple.wwdr,
        WALLET_WEB_SERVICE_URL: "https://wallet.example.test",
        OUTBOX_DELIVERY_TIMEOUT_MS: "1000",
        OUTBOX_GIVE_UP_AFTER_DAYS: "1",
      },
    });
  });
  afterAll(async () => {
    world.services.walletPasses.close();
    await world.close();
    await apns.close();
    await google.close();
  });
  beforeEach(async () => {
    apns.answerWith(() => ({ status: 200 }));
    // What an earlier test left to send goes now, so each test counts only its own notices.
    await world.services.outbox.drain();
  });

  /** A ticket held by a new fan, for an event whose doors open in an hour (its codes are released). */
  async function heldTicket(issueNumber: string) {
    const { hq: shop, gate } = await newPartner(world, "Budokan Tickets");
    const doors = clock.now().getTime() + HOUR;
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: new Date(doors), startsAt: new Date(doors + HOUR) });
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber, holderPhone: fan.phoneNumber, seat: "A-12" });
    return { shop, gate, event, fan, ticket, doors };
  }

  const passOf = async (caller: Caller, subject: { ticketId?: string; programId?: string }) => {
    const issued = await world.services.walletPasses.applePass(caller, subject, PASSWORD);
    return { issued, ...openPass(issued.pkpass, credentials.apple.wwdr), token: new URL(issued.downloadUrl).searchParams.get("token")! };
  };
  const latest = async (serial: string, token: string) => {
    const answer = await world.services.walletPasses.latestPass(PASS_TYPE_ID, serial, token, null);
    if (answer.kind !== "PASS") throw new Error(`no pass: ${answer.kind}`);
    return openPass(answer.pkpass, credentials.apple.wwdr).pass;
  };
  const outbox = (topic: string) => world.deps.db.read((m) => m.find(OutboxMessageEntity, { where: { topic }, order: { createdAt: "ASC", id: "ASC" } }));

  it("signs a ticket's pass (manifest, signature by the pass type certificate under WWDR) whose barcode the gate admits once", async () => {
    const { gate, event, fan, ticket, doors } = await heldTicket("PASS-1");
    const { issued, pass, files, token } = await passOf(fan.caller, { ticketId: ticket.id });
    expect(files).toEqual(expect.arrayContaining(["pass.json", "manifest.json", "signature", "icon.png", "en.lproj/pass.strings", "ja.lproj/pass.strings"]));
    expect(pass).toMatchObject({
      passTypeIdentifier: PASS_TYPE_ID,
      teamIdentifier: "TESTTEAM01",
      serialNumber: issued.serialNumber,
      webServiceURL: "https://wallet.example.test",
      authenticationToken: token,
      description: "Winter Live",
      eventTicket: { primaryFields: [{ key: "event", value: "Winter Live" }] },
    });
    expect(pass.voided).toBeFalsy();
    expect(new Date(pass.expirationDate).getTime()).toBe(ticket.validUntil.getTime());
    expect(new Date(pass.relevantDates[0].relevantDate).getTime()).toBe(doors);
    expect(token.length).toBeGreaterThanOrEqual(32);
    // Only the token's hash is kept.
    const row = await world.deps.db.read((m) => m.findOneByOrFail(WalletPassEntity, { id: issued.serialNumber }));
    expect(row.authTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.authTokenHash).not.toContain(token);

    const code = pass.barcodes[0].message as string;
    expect(pass.barcodes[0].format).toBe("PKBarcodeFormatQR");
    expect(code.length).toBeLessThanOrEqual(200);
    clock.advance(HOUR); // doors open
    expect(await world.services.admissions.admitTicket(gate, code, event.id, "East 1")).toMatchObject({ result: "ADMITTED" });
    expect(await world.services.admissions.admitTicket(gate, code, event.id, "East 2")).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
    // The use voids the pass: Wallet shows it used, with no barcode.
    const used = await latest(issued.serialNumber, token);
    expect(used).toMatchObject({ voided: true, eventTicket: { auxiliaryFields: expect.arrayContaining([{ key: "status", label: "STATUS", value: "USED" }]) } });
    expect(used.barcodes).toBeUndefined();
  });

  it("gives no pass before the release time, nor of another's ticket, nor with a wrong token", async () => {
    const { hq: shop } = await newPartner(world, "Later Tickets");
    const doors = clock.now().getTime() + 5 * HOUR;
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Late Show", venue: "Hall", doorsOpenAt: new Date(doors), startsAt: new Date(doors + HOUR) });
    const fan = await newCustomer(world);
    const stranger = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber: "LATE-1", holderPhone: fan.phoneNumber });
    expect(await errorCodeOf(world.services.walletPasses.applePass(fan.caller, { ticketId: ticket.id }, PASSWORD))).toBe("TICKET_NOT_RELEASED");
    expect(await errorCodeOf(world.services.walletPasses.googleSaveLink(fan.caller, { ticketId: ticket.id }, PASSWORD))).toBe("TICKET_NOT_RELEASED");
    clock.advance(4 * HOUR);
    expect(await errorCodeOf(world.services.walletPasses.applePass(stranger.caller, { ticketId: ticket.id }, PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(world.services.walletPasses.applePass(fan.caller, {}, PASSWORD))).toBe("BAD_USER_INPUT");
    const { issued, token } = await passOf(fan.caller, { ticketId: ticket.id });
    expect((await world.services.walletPasses.latestPass(PASS_TYPE_ID, issued.serialNumber, `${token}x`, null)).kind).toBe("UNAUTHORIZED");
    expect((await world.services.walletPasses.latestPass("pass.other.type", issued.serialNumber, token, null)).kind).toBe("UNAUTHORIZED");
    expect(await world.services.walletPasses.registerDevice("device-1", PASS_TYPE_ID, issued.serialNumber, "wrong", PUSH_TOKEN_A)).toBeNull();
    // A second download makes a new token: the first no longer opens the pass.
    const again = await passOf(fan.caller, { ticketId: ticket.id });
    expect(again.issued.serialNumber).toBe(issued.serialNumber);
    expect((await world.services.walletPasses.latestPass(PASS_TYPE_ID, issued.serialNumber, token, null)).kind).toBe("UNAUTHORIZED");
    expect((await world.services.walletPasses.latestPass(PASS_TYPE_ID, issued.serialNumber, again.token, null)).kind).toBe("PASS");
  });

  it("voids the giver's pass when the ticket is allotted away: the device is told over APNs, the old barcode is refused, the friend's pass admits", async () => {
    const { shop, gate, event, fan, ticket } = await heldTicket("PASS-2");
    const friend = await newCustomer(world);
    const { issued, pass, token } = await passOf(fan.caller, { ticketId: ticket.id });
    expect(await world.services.walletPasses.registerDevice("fan-phone", PASS_TYPE_ID, issued.serialNumber, token, PUSH_TOKEN_A)).toBe(true);
    expect(await world.services.walletPasses.registerDevice("fan-phone", PASS_TYPE_ID, issued.serialNumber, token, PUSH_TOKEN_A)).toBe(false);
    const before = await world.services.walletPasses.updatedSerials("fan-phone", PASS_TYPE_ID, null);
    expect(before?.serialNumbers).toEqual([issued.serialNumber]);

    clock.advance(1000);
    const pushesBefore = apns.received.length;
    await world.services.tickets.allotTicket(fan.caller, ticket.id, friend.phoneNumber);
    expect(await world.services.outbox.drain()).toBeGreaterThanOrEqual(1);
    const push = apns.received.slice(pushesBefore);
    expect(push).toHaveLength(1);
    expect(push[0]).toMatchObject({ path: `/3/device/${PUSH_TOKEN_A}`, body: "{}", clientSubject: PASS_TYPE_ID });
    expect(push[0].headers["apns-topic"]).toBe(PASS_TYPE_ID);
    expect(push[0].headers[":method"]).toBe("POST");

    // Wallet asks what changed since its tag, and fetches the pass: voided, without a barcode.
    const changed = await world.services.walletPasses.updatedSerials("fan-phone", PASS_TYPE_ID, before!.lastUpdated);
    expect(changed?.serialNumbers).toEqual([issued.serialNumber]);
    expect(Number(changed!.lastUpdated)).toBeGreaterThan(Number(before!.lastUpdated));
    expect(await world.services.walletPasses.updatedSerials("fan-phone", PASS_TYPE_ID, changed!.lastUpdated)).toBeNull();
    const voided = await latest(issued.serialNumber, token);
    expect(voided).toMatchObject({ voided: true, eventTicket: { auxiliaryFields: expect.arrayContaining([{ key: "status", label: "STATUS", value: "GIVEN_AWAY" }]) } });
    expect(voided.barcodes).toBeUndefined();
    expect(await world.services.walletPasses.latestPass(PASS_TYPE_ID, issued.serialNumber, token, new Date(clock.now().getTime() + 1000))).toEqual({ kind: "NOT_MODIFIED" });

    clock.advance(HOUR);
    const oldCode = pass.barcodes[0].message as string;
    expect(await world.services.admissions.admitTicket(gate, oldCode, event.id, null)).toMatchObject({ result: "DENIED" });
    const friendsPass = await passOf(friend.caller, { ticketId: ticket.id });
    expect(friendsPass.issued.serialNumber).not.toBe(issued.serialNumber);
    expect(await world.services.admissions.admitTicket(gate, friendsPass.pass.barcodes[0].message, event.id, null)).toMatchObject({ result: "ADMITTED" });
    expect(shop.kind).toBe("partner");
  });

  it("brings the giver's pass back, with a new code, when the giver takes the ticket back", async () => {
    const { gate, event, fan, ticket } = await heldTicket("PASS-BACK");
    const friend = await newCustomer(world);
    const { issued, pass, token } = await passOf(fan.caller, { ticketId: ticket.id });
    await world.services.tickets.allotTicket(fan.caller, ticket.id, friend.phoneNumber);
    expect((await latest(issued.serialNumber, token)).voided).toBe(true);
    await world.services.tickets.takeBackTicket(fan.caller, ticket.id);
    const back = await latest(issued.serialNumber, token);
    expect(back.voided).toBeFalsy();
    expect(back.barcodes[0].message).not.toBe(pass.barcodes[0].message);
    clock.advance(HOUR);
    expect(await world.services.admissions.admitTicket(gate, pass.barcodes[0].message, event.id, null)).toMatchObject({ result: "DENIED" });
    expect(await world.services.admissions.admitTicket(gate, back.barcodes[0].message, event.id, null)).toMatchObject({ result: "ADMITTED" });
  });

  it("notifies exactly the change that committed when an allotment and a gate's scan of the pass race", async () => {
    const { gate, event, fan, ticket } = await heldTicket("PASS-RACE");
    const friend = await newCustomer(world);
    const { issued, pass, token } = await passOf(fan.caller, { ticketId: ticket.id });
    const raceToken = "ace0".repeat(16);
    // Two registrations of one device at once: one row, one of them new.
    const registered = await Promise.all([1, 2].map(() => world.services.walletPasses.registerDevice("race-phone", PASS_TYPE_ID, issued.serialNumber, token, raceToken)));
    expect(registered.sort()).toEqual([false, true]);
    clock.advance(HOUR); // doors open

    const [allotted, scanned] = await Promise.allSettled([
      world.services.tickets.allotTicket(fan.caller, ticket.id, friend.phoneNumber),
      world.services.admissions.admitTicket(gate, pass.barcodes[0].message, event.id, "East 1"),
    ]);
    const allotWon = allotted.status === "fulfilled";
    const scanWon = scanned.status === "fulfilled" && scanned.value.result === "ADMITTED";
    expect([allotWon, scanWon].filter(Boolean)).toHaveLength(1);
    // One notice, of the change that committed; the pass says which it was.
    expect((await outbox(APNS_TOPIC)).filter((m) => m.payload.pushToken === raceToken)).toHaveLength(1);
    const status = (await latest(issued.serialNumber, token)).eventTicket.auxiliaryFields.find((f: { key: string }) => f.key === "status").value;
    expect(status).toBe(allotWon ? "GIVEN_AWAY" : "USED");
  });

  it("says so on a revoked ticket's pass, and on Google's object", async () => {
    const { shop, fan, ticket } = await heldTicket("PASS-3");
    const { issued, token } = await passOf(fan.caller, { ticketId: ticket.id });
    await world.services.walletPasses.registerDevice("fan-phone-3", PASS_TYPE_ID, issued.serialNumber, token, PUSH_TOKEN_B);
    const link = await world.services.walletPasses.googleSaveLink(fan.caller, { ticketId: ticket.id }, PASSWORD);
    const claims = await saveLinkClaims(link.url, credentials.googlePublicKey);
    expect(claims).toMatchObject({ iss: credentials.serviceAccount.client_email, aud: "google", typ: "savetowallet" });
    expect(claims.payload.eventTicketObjects[0]).toMatchObject({ id: link.objectId, state: "ACTIVE", barcode: { type: "QR_CODE" } });
    expect(link.objectId.startsWith(`${GOOGLE_ISSUER_ID}.`)).toBe(true);

    const pushes = apns.received.length;
    const patches = google.patches.length;
    await world.services.tickets.revokeTicket(shop, "PASS-3");
    await world.services.outbox.drain();
    expect(apns.received.slice(pushes).map((r) => r.path)).toEqual([`/3/device/${PUSH_TOKEN_B}`]);
    const revoked = await latest(issued.serialNumber, token);
    expect(revoked).toMatchObject({ voided: true, eventTicket: { auxiliaryFields: expect.arrayContaining([{ key: "status", label: "STATUS", value: "REVOKED" }]) } });
    const patch = google.patches.slice(patches);
    expect(patch).toHaveLength(1);
    expect(patch[0].path).toBe(`/walletobjects/v1/eventTicketObject/${encodeURIComponent(link.objectId)}`);
    expect(patch[0].body).toMatchObject({ id: link.objectId, state: "INACTIVE" });
    expect(patch[0].body.barcode).toBeUndefined();
    expect(patch[0].body.textModulesData).toEqual(expect.arrayContaining([{ id: "status", header: "Status", body: "Revoked by the organiser" }]));
  });

  it("puts the member card in Wallet with its number and points, and updates it when points change", async () => {
    const { partner } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, { name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const { register } = await newStore(world, { name: "Sunshine Mart Ebisu", programId: program.id });
    const member = await newCustomer(world);
    const membership = await world.services.memberships.joinProgram(member.caller, program.id);
    const { issued, pass, token } = await passOf(member.caller, { programId: program.id });
    expect(pass).toMatchObject({ description: "Sunshine Points", storeCard: { primaryFields: [{ key: "points", value: 0 }] }, barcodes: [{ message: membership.memberNumber }] });
    await world.services.walletPasses.registerDevice("member-phone", PASS_TYPE_ID, issued.serialNumber, token, PUSH_TOKEN_A);
    const link = await world.services.walletPasses.googleSaveLink(member.caller, { programId: program.id }, PASSWORD);
    const claims = await saveLinkClaims(link.url, credentials.googlePublicKey);
    expect(claims.payload.loyaltyObjects[0]).toMatchObject({ accountId: membership.memberNumber, loyaltyPoints: { balance: { int: 0 } } });
    const other = await newCustomer(world);
    expect(await errorCodeOf(world.services.walletPasses.applePass(other.caller, { programId: program.id }, PASSWORD))).toBe("NOT_FOUND");

    const pushes = apns.received.length;
    const patches = google.patches.length;
    clock.advance(1000);
    const code = (await world.services.memberships.issueMemberCode(member.caller, program.id, PASSWORD)).code;
    await world.services.points.settlePoints(register, code, 12_345, 0, "wallet-earn-1");
    await world.services.outbox.drain();
    expect(apns.received.slice(pushes).map((r) => r.path)).toEqual([`/3/device/${PUSH_TOKEN_A}`]);
    expect((await latest(issued.serialNumber, token)).storeCard.primaryFields).toEqual([{ key: "points", label: "POINTS", value: 123 }]);
    expect(google.patches.slice(patches).map((p) => p.body.loyaltyPoints.balance.int)).toEqual([123]);
  });

  it("takes Google's 404 (a link never saved) as nothing to update, and retries Google's errors", async () => {
    const { shop, fan, ticket } = await heldTicket("PASS-6");
    const link = await world.services.walletPasses.googleSaveLink(fan.caller, { ticketId: ticket.id }, PASSWORD);
    const ours = async () => (await outbox(GOOGLE_TOPIC)).filter((m) => m.payload.passId === link.objectId.slice(GOOGLE_ISSUER_ID.length + 1));
    google.answerPatchesWith(() => 500);
    await world.services.tickets.revokeTicket(shop, "PASS-6");
    await world.services.outbox.drain();
    expect((await ours()).map((m) => [m.attempts, m.deliveredAt, m.lastError])).toEqual([[1, null, expect.stringMatching(/Google Wallet answered 500$/)]]);
    google.answerPatchesWith(() => 404);
    clock.advance(60_000);
    await world.services.outbox.drain();
    expect((await ours()).map((m) => [m.attempts, m.deliveredAt !== null])).toEqual([[1, true]]);
    google.answerPatchesWith(() => 200);
  });

  it("unregisters a device whose push token APNs calls gone (410), and a device that asks to stop", async () => {
    const { shop, fan, ticket } = await heldTicket("PASS-4");
    const { issued, token } = await passOf(fan.caller, { ticketId: ticket.id });
    const deadToken = "dead".repeat(16);
    await world.services.walletPasses.registerDevice("old-phone", PASS_TYPE_ID, issued.serialNumber, token, deadToken);
    await world.services.walletPasses.registerDevice("new-phone", PASS_TYPE_ID, issued.serialNumber, token, PUSH_TOKEN_B);
    apns.answerWith((pushToken) => (pushToken === deadToken ? { status: 410, reason: "Unregistered" } : { status: 200 }));
    clock.advance(1000);
    await world.services.tickets.revokeTicket(shop, "PASS-4");
    await world.services.outbox.drain();
    expect(await world.services.walletPasses.updatedSerials("old-phone", PASS_TYPE_ID, null)).toBeNull();
    expect((await world.services.walletPasses.updatedSerials("new-phone", PASS_TYPE_ID, null))?.serialNumbers).toEqual([issued.serialNumber]);
    const pushes = await outbox(APNS_TOPIC);
    expect(pushes.filter((m) => m.payload.pushToken === deadToken).map((m) => [m.deliveredAt !== null, m.lastError])).toEqual([[true, null]]);

    expect(await world.services.walletPasses.unregisterDevice("new-phone", PASS_TYPE_ID, issued.serialNumber, "wrong")).toBe(false);
    expect(await world.services.walletPasses.unregisterDevice("new-phone", PASS_TYPE_ID, issued.serialNumber, token)).toBe(true);
    expect(await world.services.walletPasses.updatedSerials("new-phone", PASS_TYPE_ID, null)).toBeNull();
  });

  it("retries a push that APNs answers too slowly or with an error, and one it cannot reach, until it is delivered or dead", async () => {
    const { fan, ticket } = await heldTicket("PASS-5");
    const friend = await newCustomer(world);
    const { issued, token } = await passOf(fan.caller, { ticketId: ticket.id });
    const slowToken = "5104".repeat(16);
    await world.services.walletPasses.registerDevice("slow-phone", PASS_TYPE_ID, issued.serialNumber, token, slowToken);

    // Slower than the outbox's timeout: abandoned, retried later.
    apns.answerWith(() => ({ status: 200, delayMs: 3000 }));
    await world.services.tickets.allotTicket(fan.caller, ticket.id, friend.phoneNumber);
    await world.services.outbox.drain();
    const slowOne = async () => (await outbox(APNS_TOPIC)).find((m) => m.payload.pushToken === slowToken)!;
    expect(await slowOne()).toMatchObject({ attempts: 1, deliveredAt: null, deadAt: null });
    expect((await slowOne()).lastError).toMatch(/no answer within 1000 ms/);

    // APNs' own trouble (503): retried, the token never in the error.
    apns.answerWith(() => ({ status: 503, reason: "ServiceUnavailable" }));
    clock.advance(60_000);
    await world.services.outbox.drain();
    expect(await slowOne()).toMatchObject({ attempts: 2, deliveredAt: null, lastError: expect.stringMatching(/APNs answered 503 ServiceUnavailable/) });
    expect((await slowOne()).lastError).not.toContain(slowToken);

    // APNs gone: the stand-in stops; the message stays due, then dead after OUTBOX_GIVE_UP_AFTER_DAYS.
    await apns.close();
    clock.advance(60_000);
    await world.services.outbox.drain();
    expect(await slowOne()).toMatchObject({ attempts: 3, deliveredAt: null, deadAt: null, lastError: expect.stringMatching(/APNs not reached/) });
    clock.advance(DAY);
    await world.services.outbox.drain();
    expect((await slowOne()).deadAt).not.toBeNull();
  });
});
