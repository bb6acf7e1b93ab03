import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";
import { GOOGLE_ISSUER_ID, PASS_TYPE_ID, apnsStandIn, googleStandIn, openPass, saveLinkClaims, walletCredentials } from "../support/wallet-passes";

const HOUR = 3_600_000;
const PUSH_TOKEN = "c3".repeat(32);
const WEB_SERVICE = "https://wallet.example.test";

// The rules (voiding, points, every failure of APNs and Google) are tests/service/wallet-passes.test.ts;
// this is the phone's API and Apple's web service over HTTP, with the outbox running.
describe.each(engines)("Wallet passes over HTTP: the phone's API, Apple's web service, APNs (%s)", (engine) => {
  let server: TestServer;
  let apns: Awaited<ReturnType<typeof apnsStandIn>>;
  let google: Awaited<ReturnType<typeof googleStandIn>>;
  const credentials = walletCredentials();
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));

  beforeAll(async () => {
    apns = await apnsStandIn(credentials.apple);
    google = await googleStandIn(credentials.googlePublicKey, credentials.serviceAccount.client_email);
    server = await startTestServer(engine, {
      clock,
      env: { ...credentials.env, ...google.env, APNS_ORIGIN: apns.origin, APNS_CA: credentials.apple.wwdr, WALLET_WEB_SERVICE_URL: WEB_SERVICE, SESSION_TTL_HOURS: "20000" },
    });
  });
  afterAll(async () => {
    await server.close();
    await apns.close();
    await google.close();
  });

  /** Wallet's request to this server's web service: the path after the webServiceURL. */
  const wallet = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  const applePass = (token: string) => ({ authorization: `ApplePass ${token}` });

  it("installs a ticket's pass, registers Wallet for its updates, pushes when it is allotted away, and serves it voided", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const doors = clock.now().getTime() + 2 * HOUR;
    const event = await shop.createEvent({ title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: new Date(doors).toISOString(), startsAt: new Date(doors + HOUR).toISOString() });
    const fan = await newShopper(server.url);
    const friend = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "WALLET-1", holderPhone: fan.phoneNumber, seat: "A-12" });

    expect(await errorCodeOf(fan.phone.appleWalletPass({ ticketId: ticket.id }, PASSWORD))).toBe("TICKET_NOT_RELEASED");
    clock.advance(HOUR + 1);
    expect(await errorCodeOf(fan.phone.appleWalletPass({ ticketId: ticket.id }, "wrong password"))).toBe("INVALID_PASSWORD");
    const issued = await fan.phone.appleWalletPass({ ticketId: ticket.id }, PASSWORD);
    const { pass } = openPass(Buffer.from(issued.pkpass, "base64"), credentials.apple.wwdr);
    expect(pass).toMatchObject({ serialNumber: issued.serialNumber, passTypeIdentifier: PASS_TYPE_ID, webServiceURL: WEB_SERVICE });
    const token = pass.authenticationToken as string;
    const serial = issued.serialNumber;

    // The phone's browser downloads the same pass from the download URL.
    const download = new URL(issued.downloadUrl);
    expect(download.origin).toBe(WEB_SERVICE);
    const downloaded = await wallet(download.pathname + download.search);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect(openPass(Buffer.from(await downloaded.arrayBuffer()), credentials.apple.wwdr).pass).toMatchObject({ serialNumber: serial, authenticationToken: token });

    // Wallet registers the device; a second registration is known (200); a wrong token is 401.
    const registration = `/v1/devices/iphone-1/registrations/${PASS_TYPE_ID}/${serial}`;
    const register = (auth: string) => wallet(registration, { method: "POST", headers: { ...applePass(auth), "content-type": "application/json" }, body: JSON.stringify({ pushToken: PUSH_TOKEN }) });
    expect((await register(token)).status).toBe(201);
    expect((await register(token)).status).toBe(200);
    expect((await register(`${token}x`)).status).toBe(401);
    expect((await wallet(registration, { method: "POST", headers: applePass(token), body: "not json" })).status).toBe(400);
    const listed = await wallet(`/v1/devices/iphone-1/registrations/${PASS_TYPE_ID}`);
    expect(listed.status).toBe(200);
    const { serialNumbers, lastUpdated } = (await listed.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(serialNumbers).toEqual([serial]);
    const current = await wallet(`/v1/passes/${PASS_TYPE_ID}/${serial}`, { headers: applePass(token) });
    expect(current.status).toBe(200);
    const lastModified = current.headers.get("last-modified")!;
    expect((await wallet(`/v1/passes/${PASS_TYPE_ID}/${serial}`, { headers: { ...applePass(token), "if-modified-since": lastModified } })).status).toBe(304);
    expect((await wallet(`/v1/passes/${PASS_TYPE_ID}/${serial}`)).status).toBe(401);

    // Given away: APNs hears of it at once (the outbox sends after the commit), over HTTP/2 with the pass certificate.
    clock.advance(2000);
    await fan.phone.allotTicket(ticket.id, friend.phoneNumber);
    expect(await eventually(() => apns.received.some((r) => r.path === `/3/device/${PUSH_TOKEN}`))).toBe(true);
    const push = apns.received.find((r) => r.path === `/3/device/${PUSH_TOKEN}`)!;
    expect(push).toMatchObject({ body: "{}", clientSubject: PASS_TYPE_ID });
    expect(push.headers["apns-topic"]).toBe(PASS_TYPE_ID);

    // Wallet asks what changed and fetches the pass: voided, with no barcode; the old barcode no longer admits.
    const changed = await wallet(`/v1/devices/iphone-1/registrations/${PASS_TYPE_ID}?passesUpdatedSince=${lastUpdated}`);
    expect(((await changed.json()) as { serialNumbers: string[] }).serialNumbers).toEqual([serial]);
    const updated = await wallet(`/v1/passes/${PASS_TYPE_ID}/${serial}`, { headers: { ...applePass(token), "if-modified-since": lastModified } });
    expect(updated.status).toBe(200);
    const voided = openPass(Buffer.from(await updated.arrayBuffer()), credentials.apple.wwdr).pass;
    expect(voided.voided).toBe(true);
    expect(voided.barcodes).toBeUndefined();
    clock.advance(HOUR);
    expect(await gate.admitTicket(pass.barcodes[0].message, event.id, "East 1")).toMatchObject({ result: "DENIED" });

    // Wallet's log, then it stops asking: 204 once nothing is registered.
    expect((await wallet("/v1/log", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ logs: ["Pass update failed: test"] }) })).status).toBe(200);
    expect((await wallet(registration, { method: "DELETE", headers: applePass(token) })).status).toBe(200);
    expect((await wallet(`/v1/devices/iphone-1/registrations/${PASS_TYPE_ID}`)).status).toBe(204);

    // Neither the pass's token nor the device's push token reaches a log line.
    expect(server.logs.text).toContain("Pass update failed: test");
    expect(server.logs.text).not.toContain(token);
    expect(server.logs.text).not.toContain(PUSH_TOKEN);
  });

  it("gives a member card's Google save link, signed by the service account, and its Apple pass", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const member = await newShopper(server.url);
    expect(await errorCodeOf(member.phone.googleWalletLink({ programId: program.id }, PASSWORD))).toBe("NOT_FOUND");
    const membership = await member.phone.joinProgram(program.id);
    const link = await member.phone.googleWalletLink({ programId: program.id }, PASSWORD);
    expect(link.url.startsWith("https://pay.google.com/gp/v/save/")).toBe(true);
    const claims = await saveLinkClaims(link.url, credentials.googlePublicKey);
    expect(claims).toMatchObject({ iss: credentials.serviceAccount.client_email, aud: "google", typ: "savetowallet" });
    expect(claims.payload.loyaltyObjects[0]).toMatchObject({ id: link.objectId, accountId: membership.memberNumber, loyaltyPoints: { balance: { int: 0 } } });
    expect(claims.payload.loyaltyClasses[0]).toMatchObject({ id: `${GOOGLE_ISSUER_ID}.program-${program.id}`, programName: "Sunshine Points" });

    const issued = await member.phone.appleWalletPass({ programId: program.id }, PASSWORD);
    const { pass } = openPass(Buffer.from(issued.pkpass, "base64"), credentials.apple.wwdr);
    expect(pass).toMatchObject({ storeCard: { primaryFields: [{ key: "points", value: 0 }] }, barcodes: [{ message: membership.memberNumber }] });
  });
});
