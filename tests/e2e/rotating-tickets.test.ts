import { AdminClient } from "../../clients/admin";
import { DeviceKey, rotatingTicketCode } from "../../clients/device-key";
import { GateClient } from "../../clients/gate";
import { OfflineGate } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { ROTATION_PERIOD_SECONDS } from "../../clients/wire/rotation";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const HOUR = 3_600_000;
const PERIOD_MS = ROTATION_PERIOD_SECONDS * 1000;

/**
 * Ticket codes that rotate: the phone signs each window with its device key, so a code
 * changes every few seconds without asking the server again, and a screenshot older than
 * the window is DENIED (STALE), online and offline alike.
 */
describe.each(engines)("rotating ticket codes (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  async function venueWithFan(algorithm: "Ed25519" | "ES256" = "Ed25519") {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: clock.now().toISOString(),
      startsAt: new Date(clock.now().getTime() + HOUR).toISOString(),
    });
    const fan = await newShopper(server.url);
    const key = await DeviceKey.generate({ algorithm });
    await fan.phone.registerDevice(key, "Fan's phone", PASSWORD);
    const pass = await shop.postTicket({ eventId: event.id, issueNumber: `R-${algorithm}`, holderPhone: fan.phoneNumber, usesAllowed: 3 });
    return { shop, gate, event, fan, key, pass };
  }

  it.each(["Ed25519", "ES256"] as const)("admits a current code, denies a screenshot from an earlier window, and needs no new request to rotate (%s)", async (algorithm) => {
    const { gate, event, fan, key, pass } = await venueWithFan(algorithm);
    const rotating = await fan.phone.issueRotatingTicket(pass.id, key);
    expect(rotating).toMatchObject({ periodSeconds: ROTATION_PERIOD_SECONDS, expiresAt: pass.validUntil });

    const now = await rotatingTicketCode(rotating.credential, key, clock.now());
    expect(now).toMatch(/^T4:/);
    expect(now.length).toBeLessThanOrEqual(200);
    expect(await gate.admitTicket(now, event.id, "North")).toMatchObject({ result: "ADMITTED" });

    // A minute later the phone shows a new code, made on the phone alone; the old one is a screenshot.
    clock.advance(4 * PERIOD_MS);
    const later = await rotatingTicketCode(rotating.credential, key, clock.now());
    expect(later).not.toBe(now);
    expect(await gate.admitTicket(now, event.id, "North")).toMatchObject({ result: "DENIED", reason: "STALE" });
    expect(await gate.admitTicket(later, event.id, "North")).toMatchObject({ result: "ADMITTED" });
    // A code made for a window still to come is not taken either (a phone's clock far ahead).
    const ahead = await rotatingTicketCode(rotating.credential, key, new Date(clock.now().getTime() + 10 * PERIOD_MS));
    expect(await gate.admitTicket(ahead, event.id, "North")).toMatchObject({ result: "DENIED", reason: "STALE" });
  });

  it("decides offline exactly as online: a current code admitted, a stale one denied", async () => {
    const { gate, event, fan, key, pass } = await venueWithFan();
    const offline = new OfflineGate(gate, event.id, "South");
    await offline.refresh();
    const rotating = await fan.phone.issueRotatingTicket(pass.id, key);
    const code = await rotatingTicketCode(rotating.credential, key, clock.now());
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "ADMITTED" });
    clock.advance(4 * PERIOD_MS);
    expect(await offline.decide(code, { now: clock.now() })).toMatchObject({ result: "DENIED", reason: "STALE" });
  });

  it("refuses a code signed by another key, a credential asked for without the device's proof, and a revoked device's codes", async () => {
    const { gate, event, fan, key, pass } = await venueWithFan();
    const rotating = await fan.phone.issueRotatingTicket(pass.id, key);
    const impostor = await DeviceKey.generate();
    const forged = await rotatingTicketCode(rotating.credential, impostor, clock.now());
    expect(await gate.admitTicket(forged, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });

    // The credential needs the device's proof: the device it binds.
    const asked = await errorCodeOf(
      fan.phone.request(`mutation ($t: ID!) { issueRotatingTicket(ticketId: $t, proof: { deviceId: "x", payload: "y", signature: "z" }) { credential } }`, { t: pass.id }),
    );
    expect(["PROOF_MISMATCH", "DEVICE_UNKNOWN"]).toContain(asked);

    // A lost phone: revoking the device ends its codes at once, online.
    const devices = await fan.phone.devices();
    await fan.phone.revokeDevice(devices[0].id);
    const afterRevoke = await rotatingTicketCode(rotating.credential, key, clock.now());
    expect(await gate.admitTicket(afterRevoke, event.id, "North")).toMatchObject({ result: "DENIED", reason: "INVALID" });
  });
});
