import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { OfflineGate, type OfflineDecision } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A network the test can cut: while `down`, every request fails as a lost connection does. */
function cuttableNetwork() {
  const network = { down: false };
  const fetchThrough: typeof fetch = (input, init) => (network.down ? Promise.reject(new TypeError("fetch failed")) : fetch(input, init));
  return { network, fetchThrough };
}

// The rules themselves, case by case, are tests/service/gates.test.ts and tests/unit/admission-rules.test.ts.
describe.each(engines)("gates through the clients: offline scanning, exits, passes, allotments (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  async function venue(options: { allowReentry?: boolean; maxTransfers?: number } = {}) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: clock.now().toISOString(),
      startsAt: new Date(clock.now().getTime() + HOUR).toISOString(),
      ...options,
    });
    /** A gate whose network the test can cut. */
    const gateAt = (name: string) => {
      const { network, fetchThrough } = cuttableNetwork();
      const client = new GateClient(server.url, gateKey, { fetch: fetchThrough });
      return { client, network, offline: new OfflineGate(client, event.id, name) };
    };
    return { shop, event, gateAt };
  }

  it("a gate goes offline, admits from its snapshot, comes back and syncs; two offline gates with one ticket are reconciled; syncing twice counts once", async () => {
    const { shop, event, gateAt } = await venue();
    const fan = await newShopper(server.url);
    const friend = await newShopper(server.url);
    const one = await shop.postTicket({ eventId: event.id, issueNumber: "OFF-1", holderPhone: fan.phoneNumber });
    const two = await shop.postTicket({ eventId: event.id, issueNumber: "OFF-2", holderPhone: friend.phoneNumber });
    const east = gateAt("East");
    const west = gateAt("West");
    await Promise.all([east.offline.refresh(), west.offline.refresh()]);
    const oneCode = (await fan.phone.issueTicketCode(one.id, PASSWORD)).code;
    const twoCode = (await friend.phone.issueTicketCode(two.id, PASSWORD)).code;

    // The live feed (a WebSocket, not the cut HTTP) hears the synced scans.
    const live = east.client.movements(event.id);
    await live.ready;

    east.network.down = true;
    west.network.down = true;
    const t0 = clock.now().getTime();
    // The same ticket at both gates, East first; East also lets ticket two in twice.
    const atEast = (await east.offline.scan(oneCode, { now: new Date(t0 + MINUTE) })) as OfflineDecision;
    const atWest = (await west.offline.scan(oneCode, { now: new Date(t0 + 2 * MINUTE) })) as OfflineDecision;
    expect([atEast.result, atWest.result]).toEqual(["ADMITTED", "ADMITTED"]); // neither could know
    expect(((await east.offline.scan(twoCode, { now: new Date(t0 + 3 * MINUTE) })) as OfflineDecision).result).toBe("ADMITTED");
    expect(((await east.offline.scan(twoCode, { now: new Date(t0 + 4 * MINUTE) })) as OfflineDecision).reason).toBe("ALREADY_USED");
    await expect(east.offline.sync()).rejects.toThrow();
    expect(east.offline.pending).toHaveLength(3);

    // West comes back first: its later scan is admitted, until East's earlier one arrives.
    clock.advance(10 * MINUTE);
    west.network.down = false;
    const westQueue = [...west.offline.pending];
    expect((await west.offline.sync()).map((a) => a.result)).toEqual(["ADMITTED"]);
    east.network.down = false;
    const eastQueue = [...east.offline.pending];
    const synced = await east.offline.sync();
    expect(synced.map((a) => [a.result, a.reason, a.offline])).toEqual([
      ["ADMITTED", null, true],
      ["ADMITTED", null, true],
      ["DENIED", "ALREADY_USED", true],
    ]);
    expect(east.offline.pending).toHaveLength(0);
    const heard = await Promise.all(Array.from({ length: 4 }, () => live.next(2000)));
    await east.client.live.close();
    // Each upload's scans carry the event's count as that upload left it.
    expect(heard.map((a) => [a.result, a.offline, a.admittedCount])).toEqual([
      ["ADMITTED", true, 1],
      ["ADMITTED", true, 2],
      ["ADMITTED", true, 2],
      ["DENIED", true, 2],
    ]);
    const [westAgain] = await west.client.syncScans(event.id, westQueue);
    expect(westAgain).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", at: new Date(t0 + 2 * MINUTE).toISOString(), firstUsedAt: new Date(t0 + MINUTE).toISOString() });
    expect((await east.client.syncScans(event.id, eastQueue)).map((a) => a.result)).toEqual(["ADMITTED", "ADMITTED", "DENIED"]);

    expect(await east.client.attendanceNow(event.id)).toMatchObject({ admitted: 2, inside: 2, byGate: [{ gate: "East", admitted: 2, exited: 0 }] });
    expect((await shop.ticket("OFF-1")).uses).toEqual([{ at: new Date(t0 + MINUTE).toISOString(), gate: "East" }]);
    // Back online, the gate's next scan goes to the server, and its refreshed snapshot knows.
    await east.offline.refresh();
    expect((await east.offline.scan(oneCode)) as { result: string; reason: string }).toMatchObject({ result: "DENIED", reason: "ALREADY_USED" });
  });

  it("a gate whose clock ran ahead sets aside the scans the server refuses for it, and the rest still upload", async () => {
    const { shop, event, gateAt } = await venue();
    const fan = await newShopper(server.url);
    const tickets = await Promise.all(["AH-1", "AH-2"].map((issueNumber) => shop.postTicket({ eventId: event.id, issueNumber, holderPhone: fan.phoneNumber })));
    const [early, ahead] = await Promise.all(tickets.map(async (t) => (await fan.phone.issueTicketCode(t.id, PASSWORD)).code));
    const { offline } = gateAt("Clocky");
    await offline.refresh();
    const t0 = clock.now().getTime();
    await offline.decide(ahead, { now: new Date(t0 + 20 * MINUTE) });
    await offline.decide(early, { now: new Date(t0 + 30_000) });

    const answers = await offline.sync();
    expect(answers.map((a) => [a.result, a.at])).toEqual([["ADMITTED", new Date(t0 + 30_000).toISOString()]]);
    expect(offline.pending).toHaveLength(0);
    expect(offline.refused.map((s) => s.scannedAt)).toEqual([new Date(t0 + 20 * MINUTE).toISOString()]);
    expect((await shop.ticket("AH-2")).uses).toEqual([]);
  });

  it("exits and re-entry with inside right, passback refused TOO_SOON at two buses at once, allotments taken back and limited", async () => {
    const { shop, event, gateAt } = await venue({ allowReentry: true, maxTransfers: 1 });
    const { client: gate } = gateAt("Main");
    const fan = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "IN-1", holderPhone: fan.phoneNumber });
    const code = (await fan.phone.issueTicketCode(ticket.id, PASSWORD)).code;
    const live = gate.movements(event.id);
    try {
      await live.ready;
      expect((await gate.admitTicket(code, event.id, "Main")).result).toBe("ADMITTED");
      expect(await gate.exitTicket(code, event.id, "Side")).toMatchObject({ result: "EXITED", admittedCount: 1 });
      expect((await gate.attendanceNow(event.id)).inside).toBe(0);
      expect((await gate.admitTicket(code, event.id, "Main")).result).toBe("ADMITTED");
      expect((await Promise.all([live.next(2000), live.next(2000), live.next(2000)])).map((a) => a.result)).toEqual(["ADMITTED", "EXITED", "ADMITTED"]);
    } finally {
      await gate.live.close();
    }
    expect(await gate.attendanceNow(event.id)).toMatchObject({ admitted: 1, inside: 1 });

    const rider = await newShopper(server.url);
    const pass = await shop.postTicket({ eventId: event.id, issueNumber: "BUS-1", holderPhone: rider.phoneNumber, usesAllowed: 40, minMinutesBetweenUses: 15 });
    const passCode = (await rider.phone.issueTicketCode(pass.id, PASSWORD)).code;
    const buses = await Promise.all([gateAt("Bus 1").client, gateAt("Bus 2").client].map((bus, i) => bus.admitTicket(passCode, event.id, `Bus ${i + 1}`)));
    expect(buses.map((a) => a.result).sort()).toEqual(["ADMITTED", "DENIED"]);
    expect(buses.find((a) => a.result === "DENIED")?.reason).toBe("TOO_SOON");

    const buyer = await newShopper(server.url);
    const friend = await newShopper(server.url);
    const gift = await shop.postTicket({ eventId: event.id, issueNumber: "GIFT-1", holderPhone: buyer.phoneNumber });
    await buyer.phone.allotTicket(gift.id, friend.phoneNumber);
    const friendCode = (await friend.phone.issueTicketCode(gift.id, PASSWORD)).code;
    expect(await errorCodeOf(friend.phone.allotTicket(gift.id, buyer.phoneNumber))).toBe("FORBIDDEN");
    const [seenByFriend] = await friend.phone.ticketHistories();
    expect(seenByFriend.transfers).toEqual([expect.objectContaining({ toPhone: friend.phoneNumber, fromPhone: expect.not.stringContaining(buyer.phoneNumber.slice(1, -2)) })]);
    const back = await buyer.phone.takeBackTicket(gift.id);
    expect(back.holderPhone).toBe(buyer.phoneNumber);
    expect(await gate.admitTicket(friendCode, event.id, "Main")).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect((await shop.ticket("GIFT-1")).transfers).toEqual([expect.objectContaining({ fromPhone: buyer.phoneNumber, toPhone: friend.phoneNumber })]);
    expect(await errorCodeOf(new PhoneClient(server.url).takeBackTicket(gift.id))).toBe("UNAUTHENTICATED");
  });
});
