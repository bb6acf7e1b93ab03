import { generateKeyPairSync } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { DeviceKey, rotatingTicketCode } from "../../clients/device-key";
import { GateClient } from "../../clients/gate";
import { OfflineGate } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { fromBase45, toBase45 } from "../../clients/wire/base45";
import { COMPACT_ROTATING_PREFIX, STATIC_CODE_PREFIX } from "../../clients/wire/compact-ticket";
import { ROTATION_PERIOD_SECONDS } from "../../clients/wire/rotation";
import { ManualClock } from "../../src/clock";
import { TicketSigner } from "../../src/services/crypto/ticket-signer";
import { createTestDatabase, engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newShopper } from "../support/world";

const HOUR = 3_600_000;
const PERIOD_MS = ROTATION_PERIOD_SECONDS * 1000;
const newTicketKey = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The code with one of its bytes flipped, written again in base45. */
function flipped(code: string, byte: number): string {
  const prefix = code.slice(0, 3);
  const bytes = fromBase45(code.slice(3))!;
  bytes[byte] ^= 0x01;
  return prefix + toBase45(bytes);
}

/**
 * The compact codes the server issues (T3 static, T4 rotating: docs/signed-formats.md),
 * admitted online and by an offline gate from its snapshot, with every check of the first
 * formats; and codes of the first formats (T1, T2) still admitted until they expire.
 */
describe.each(engines)("compact ticket codes (%s)", (engine) => {
  let server: TestServer;
  const ticketKey = newTicketKey();
  const signer = new TicketSigner(ticketKey);
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000", TICKET_SIGNING_KEY: ticketKey } });
  });
  afterAll(() => server.close());

  /** A shop with a gate, an event whose doors are open, and a fan holding a ticket with a registered device. */
  async function venue(url: string, usesAllowed = 1) {
    const admin = new AdminClient(url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const gate = new GateClient(url, gateKey);
    const at = { doorsOpenAt: clock.now().toISOString(), startsAt: new Date(clock.now().getTime() + HOUR).toISOString() };
    const event = await shop.createEvent({ title: "Winter Live", venue: "Nippon Budokan", ...at });
    const other = await shop.createEvent({ title: "Spring Live", venue: "Nippon Budokan", ...at });
    const fan = await newShopper(url);
    const key = await DeviceKey.generate({ algorithm: "ES256" });
    await fan.phone.registerDevice(key, "Fan's phone", PASSWORD);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: `C-${usesAllowed}`, holderPhone: fan.phoneNumber, usesAllowed });
    return { shop, gate, gateKey, event, other, fan, key, ticket };
  }

  it("issues a static T3 code of at most 200 characters that admits once online and at an offline gate, and refuses it altered, truncated or at another event", async () => {
    const { gate, event, other, fan, ticket } = await venue(server.url);
    const { code } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    expect(code.startsWith(STATIC_CODE_PREFIX)).toBe(true);
    expect(code.length).toBeLessThanOrEqual(200);

    const offline = new OfflineGate(gate, event.id, "South");
    await offline.refresh();
    expect(await offline.decide(flipped(code, 20), { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await offline.decide(code.slice(0, -3), { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "ADMITTED", ticketId: ticket.id });
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
    const elsewhere = new OfflineGate(gate, other.id, "West");
    await elsewhere.refresh();
    expect(await elsewhere.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "WRONG_EVENT" });

    for (const byte of [0, 10, 40, 100]) expect(await gate.admitTicket(flipped(code, byte), event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(code.slice(0, -1), event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(code, other.id, "North")).toMatchObject({ result: "DENIED", reason: "WRONG_EVENT" });
    expect((await gate.lookupTicket(code)).ticket).toMatchObject({ id: ticket.id });
    expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "ADMITTED" });
    expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
    // The offline gate's scans upload; the one the server had admitted online is ALREADY_USED there.
    expect((await offline.sync()).map((a) => a.reason)).toEqual(["INVALID", "INVALID", "ALREADY_USED", "ALREADY_USED"]);
  });

  it("issues rotating T4 codes of at most 200 characters: each window admits once, online and offline, a screenshot is STALE, another key's INVALID", async () => {
    const { gate, event, other, fan, key, ticket } = await venue(server.url, 5);
    // A gate refreshed before the phone asked: the phone's device was registered before, so its key is in the snapshot.
    const offline = new OfflineGate(gate, event.id, "South");
    await offline.refresh();
    const { credential } = await fan.phone.issueRotatingTicket(ticket.id, key);
    expect(credential.startsWith(COMPACT_ROTATING_PREFIX)).toBe(true);
    const code = await rotatingTicketCode(credential, key, clock.now());
    expect(code.startsWith(COMPACT_ROTATING_PREFIX)).toBe(true);
    expect(code.length).toBeLessThanOrEqual(200);
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "ADMITTED", ticketId: ticket.id });
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });

    const impostor = await DeviceKey.generate({ algorithm: "ES256" });
    expect(await gate.admitTicket(await rotatingTicketCode(credential, impostor, clock.now()), event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(flipped(code, 50), event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(code.slice(0, -2), event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(credential, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(code, other.id, "North")).toMatchObject({ result: "DENIED", reason: "WRONG_EVENT" });
    expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "ADMITTED" });
    expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
    expect((await gate.lookupTicket(code)).ticket).toMatchObject({ id: ticket.id });

    clock.advance(4 * PERIOD_MS);
    expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "DENIED", reason: "STALE" });
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "STALE" });
    const next = await rotatingTicketCode(credential, key, clock.now());
    expect(await gate.admitTicket(next, event.id, "North")).toMatchObject({ result: "ADMITTED" });

    // A lost phone and a new one: the lost one's codes stop at once online, and at an offline gate from
    // its next refresh, which also takes the new phone's key, though nothing else of the ticket changed.
    await offline.sync();
    clock.advance(4 * PERIOD_MS);
    await offline.refresh();
    await fan.phone.revokeDevice((await fan.phone.devices())[0].id);
    const newPhone = await DeviceKey.generate();
    await fan.phone.registerDevice(newPhone, "New phone", PASSWORD);
    const lost = await rotatingTicketCode(credential, key, clock.now());
    const found = await rotatingTicketCode(credential, newPhone, clock.now());
    expect(await gate.admitTicket(lost, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await offline.decide(lost, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    expect(await offline.decide(found, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    await offline.refresh();
    clock.advance(PERIOD_MS);
    const lostLater = await rotatingTicketCode(credential, key, clock.now());
    const foundLater = await rotatingTicketCode(credential, newPhone, clock.now());
    expect(await offline.decide(lostLater, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await offline.decide(foundLater, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    const fresh = new OfflineGate(gate, event.id, "East");
    await fresh.refresh();
    expect(await fresh.decide(lostLater, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await gate.admitTicket(foundLater, event.id, "North")).toMatchObject({ result: "ADMITTED" });
  });

  it("voids the giver's T3 and T4 codes after an allotment (INVALID), and a revoked ticket's (REVOKED)", async () => {
    const { shop, gate, event, fan, key, ticket } = await venue(server.url);
    const { code: staticCode } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    const { credential } = await fan.phone.issueRotatingTicket(ticket.id, key);
    const friend = await newShopper(server.url);
    await fan.phone.allotTicket(ticket.id, friend.phoneNumber);
    const offline = new OfflineGate(gate, event.id, "South");
    await offline.refresh();
    for (const code of [staticCode, await rotatingTicketCode(credential, key, clock.now())]) {
      expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
      expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    }
    const { code: friendsCode } = await friend.phone.issueTicketCode(ticket.id, PASSWORD);
    await shop.revokeTicket(ticket.issueNumber);
    expect(await gate.admitTicket(friendsCode, event.id, "North")).toMatchObject({ result: "DENIED", reason: "REVOKED" });
  });

  it("still admits codes of the first formats (T1, T2) until they expire, online and offline", async () => {
    const { gate, event, key, ticket } = await venue(server.url, 5);
    const claims = { t: ticket.id, e: event.id, v: 1, vf: seconds(ticket.validFrom), vu: seconds(ticket.validUntil) };
    const t1 = signer.signFirstFormat({ ...claims, x: seconds(clock.now().toISOString()) + 3600 });
    const credential = signer.signCredential({ ...claims, x: claims.vu, di: key.deviceId!, d: key.publicKey, a: "ES256" });
    const t2 = await rotatingTicketCode(credential, key, clock.now());
    expect(t1.startsWith("T1.")).toBe(true);
    expect(t2.startsWith("T2.")).toBe(true);
    const offline = new OfflineGate(gate, event.id, "South");
    await offline.refresh();
    for (const code of [t1, t2]) {
      expect(await gate.admitTicket(code, event.id, "North")).toMatchObject({ result: "ADMITTED" });
      expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    }
    clock.advance(HOUR + 1000);
    expect(await gate.admitTicket(t1, event.id, "North")).toMatchObject({ result: "DENIED", reason: "EXPIRED" });
  });

  it("verifies a T3 code of the previous ticket key while it is in TICKET_SIGNING_KEYS_PREVIOUS, online and at an offline gate, and not once removed", async () => {
    const db = await createTestDatabase(engine);
    const oldKey = newTicketKey();
    const first = await startTestServer(engine, { clock, database: db, env: { SESSION_TTL_HOURS: "20000", TICKET_SIGNING_KEY: oldKey } });
    const { gateKey, event, fan, ticket } = await venue(first.url, 5);
    const { code } = await fan.phone.issueTicketCode(ticket.id, PASSWORD);
    await first.close();

    const newKey = newTicketKey();
    const rotated = await startTestServer(engine, {
      clock,
      database: db,
      env: { SESSION_TTL_HOURS: "20000", TICKET_SIGNING_KEY: newKey, TICKET_SIGNING_KEYS_PREVIOUS: new TicketSigner(oldKey).publicKeyPem },
    });
    const rotatedGate = new GateClient(rotated.url, gateKey);
    expect(await rotatedGate.admitTicket(code, event.id, "North")).toMatchObject({ result: "ADMITTED" });
    const offline = new OfflineGate(rotatedGate, event.id, "South");
    await offline.refresh();
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    await rotated.close();

    const removed = await startTestServer(engine, { clock, database: db, env: { SESSION_TTL_HOURS: "20000", TICKET_SIGNING_KEY: newKey } });
    try {
      const removedGate = new GateClient(removed.url, gateKey);
      expect(await removedGate.admitTicket(code, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
      const withoutOldKey = new OfflineGate(removedGate, event.id, "South");
      await withoutOldKey.refresh();
      expect(await withoutOldKey.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "INVALID" });
    } finally {
      await removed.close();
      await db.drop();
    }
  });
});
