import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { OfflineGate, type OfflineDecision, type OfflineGateOptions, type OfflineGateState } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What a gate needs to be set up in seconds and to tell a visitor where their ticket was used. */
describe.each(engines)("a gate's event list, where a used ticket was used, and a gate resumed from its saved state (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  async function shopWithGate(name: string) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner(name);
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    return { shop, gate };
  }
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const eventAt = (shop: PartnerClient, title: string, startsIn: number) =>
    shop.createEvent({ title, venue: "Tokyo Dome", doorsOpenAt: at(startsIn - HOUR), startsAt: at(startsIn) });

  it("lists the events of the gate's own shop that are not over, soonest first, and no one else's", async () => {
    const { shop, gate } = await shopWithGate("Dome Tickets");
    const later = await eventAt(shop, "Tomorrow", 24 * HOUR);
    const now = await eventAt(shop, "Tonight", 2 * HOUR);
    const started = await eventAt(shop, "Started", -11 * HOUR);
    await eventAt(shop, "Over", -13 * HOUR);
    const other = await shopWithGate("Another Shop");
    await eventAt(other.shop, "Not theirs", HOUR);

    expect((await gate.openEvents()).map((e) => e.title)).toEqual(["Started", "Tonight", "Tomorrow"]);
    expect((await gate.openEvents()).map((e) => e.id)).toEqual([started.id, now.id, later.id]);
    expect((await other.gate.openEvents()).map((e) => e.title)).toEqual(["Not theirs"]);
    // An hour on, "Started" is over too.
    clock.advance(2 * HOUR);
    expect((await gate.openEvents()).map((e) => e.title)).toEqual(["Tonight", "Tomorrow"]);
    const fan = await newShopper(server.url);
    expect(await errorCodeOf(fan.phone.request(`query { openEvents { id } }`))).toBe("FORBIDDEN");
  });

  it("tells a gate where and when the use that stands was taken, online and after offline gates are reconciled", async () => {
    const { shop, gate } = await shopWithGate("Arena Tickets");
    const event = await eventAt(shop, "Arena Night", HOUR);
    const fan = await newShopper(server.url);
    const one = await shop.postTicket({ eventId: event.id, issueNumber: "AR-1", holderPhone: fan.phoneNumber });
    const two = await shop.postTicket({ eventId: event.id, issueNumber: "AR-2", holderPhone: fan.phoneNumber });
    const oneCode = (await fan.phone.issueTicketCode(one.id, PASSWORD)).code;
    const twoCode = (await fan.phone.issueTicketCode(two.id, PASSWORD)).code;

    const admitted = await gate.admitTicket(oneCode, event.id, "North 2");
    expect(admitted).toMatchObject({ result: "ADMITTED", firstUsedAt: null, firstUsedGate: null });
    clock.advance(MINUTE);
    const again = await gate.admitTicket(oneCode, event.id, "South 1");
    expect(again).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", firstUsedAt: admitted.at, firstUsedGate: "North 2" });

    // Two offline gates take ticket two; the later scan reaches the server first and is then undone.
    const t0 = clock.now().getTime();
    clock.advance(3 * MINUTE);
    const west = await gate.syncScans(event.id, [{ code: twoCode, gate: "West", scannedAt: new Date(t0 + 2 * MINUTE).toISOString() }]);
    expect(west[0]).toMatchObject({ result: "ADMITTED", firstUsedGate: null });
    const east = await gate.syncScans(event.id, [{ code: twoCode, gate: "East", scannedAt: new Date(t0 + MINUTE).toISOString() }]);
    expect(east[0]).toMatchObject({ result: "ADMITTED" });
    const westAgain = await gate.syncScans(event.id, [{ code: twoCode, gate: "West", scannedAt: new Date(t0 + 2 * MINUTE).toISOString() }]);
    expect(westAgain[0]).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", firstUsedAt: new Date(t0 + MINUTE).toISOString(), firstUsedGate: "East" });
    // A gate that never named itself is not named.
    const nameless = await gate.admitTicket(twoCode, event.id);
    expect(nameless).toMatchObject({ result: "DENIED", firstUsedGate: "East" });
  });

  it("resumes an offline gate from its saved state (as JSON too): the snapshot, the uses it took, and its queue, uploaded once", async () => {
    const { shop, gate } = await shopWithGate("Hall Tickets");
    const event = await eventAt(shop, "Hall Show", HOUR);
    const fan = await newShopper(server.url);
    const one = await shop.postTicket({ eventId: event.id, issueNumber: "HL-1", holderPhone: fan.phoneNumber });
    const two = await shop.postTicket({ eventId: event.id, issueNumber: "HL-2", holderPhone: fan.phoneNumber });
    const oneCode = (await fan.phone.issueTicketCode(one.id, PASSWORD)).code;
    const twoCode = (await fan.phone.issueTicketCode(two.id, PASSWORD)).code;

    // A store as the web app's: the snapshot when it comes, the progress after every change.
    const store: Partial<OfflineGateState> = {};
    let snapshotsSaved = 0;
    const save: OfflineGateOptions["save"] = ({ snapshot, progress }) => {
      if (snapshot) {
        store.snapshot = snapshot;
        snapshotsSaved++;
      }
      store.progress = progress;
    };
    const first = new OfflineGate(gate, event.id, "North 1", { save });
    await first.refresh();
    expect([snapshotsSaved, store.snapshot!.tickets.length, store.progress!.changed]).toEqual([1, 2, []]);
    const scannedAt = new Date(clock.now().getTime() + MINUTE);
    const decided = await first.decide(oneCode, { now: scannedAt });
    expect(decided).toMatchObject({ result: "ADMITTED", firstUsedGate: null });
    // The decision was saved before it was given, without the snapshot written again.
    expect(snapshotsSaved).toBe(1);
    expect(store.progress!.queue).toHaveLength(1);
    expect(store.progress!.changed.map((t) => [t.id, t.usesLeft])).toEqual([[one.id, 0]]);

    // The tab closes; a new one reads the state back (a store that keeps JSON gives dates as text).
    const kept = JSON.parse(JSON.stringify(store)) as OfflineGateState;
    const resumed = OfflineGate.restore(gate, kept);
    expect(resumed.pending).toHaveLength(1);
    expect(resumed.snapshotAsOf).toBe(first.snapshotAsOf);
    const denied = (await resumed.decide(oneCode, { now: new Date(scannedAt.getTime() + MINUTE) })) as OfflineDecision;
    expect(denied).toMatchObject({ result: "DENIED", reason: "ALREADY_USED", firstUsedAt: scannedAt.toISOString(), firstUsedGate: "North 1" });
    expect(((await resumed.decide(twoCode, { now: new Date(scannedAt.getTime() + 2 * MINUTE) })) as OfflineDecision).result).toBe("ADMITTED");
    expect(resumed.pending).toHaveLength(3);

    clock.advance(5 * MINUTE);
    await resumed.refresh();
    expect(resumed.pending).toHaveLength(0);
    expect(await gate.attendance(event.id)).toMatchObject({ admitted: 2 });
    expect((await shop.ticket("HL-1")).uses).toEqual([{ at: scannedAt.toISOString(), gate: "North 1" }]);
    expect(snapshotsSaved).toBe(1);
    expect(() => OfflineGate.restore(gate, { ...kept, progress: { ...kept.progress, version: 2 as 1 } })).toThrow("unknown version");
  });
});
