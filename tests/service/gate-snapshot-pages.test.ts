import { DeviceKey } from "../../clients/device-key";
import type { GateClient, GateSnapshot as WireSnapshot } from "../../clients/gate";
import { OfflineGate } from "../../clients/offline-gate";
import { ManualClock } from "../../src/clock";
import type { Caller } from "../../src/services/kernel/caller";
import { SNAPSHOT_PAGE, type GateSnapshot } from "../../src/services/tickets/gate-snapshot.service";
import { encodeSnapshotCursor } from "../../src/services/tickets/gate-snapshot-cursor";
import { engines } from "../support/databases";
import { newCustomer, newPartner, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, randomPhone } from "../support/test-data";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The snapshot as the GraphQL layer would hand it to a gate: times as ISO strings. */
const asJson = (snapshot: unknown): WireSnapshot => JSON.parse(JSON.stringify(snapshot)) as WireSnapshot;

/** A page's rows, usable and revoked, in the order they are read. */
const idsOf = (page: GateSnapshot) => [...page.tickets.map((t) => t.ticketId), ...page.revokedTicketIds].sort();

describe.each(engines)("gate snapshot pages (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());

  /** An event open now with `count` tickets, each to its own phone unless `holder` says whose. */
  async function venue(count: number, holder: (i: number) => string = () => randomPhone()) {
    const { hq: shop, gate } = await newPartner(world, "Arena Tickets");
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Paged", venue: "Arena", doorsOpenAt: clock.now(), startsAt: new Date(clock.now().getTime() + HOUR) });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber: `P-${i}`, holderPhone: holder(i) })).ticket.id);
    return { shop, gate, event, ids };
  }

  const page = (gate: Caller, eventId: string, since: Date | null, first?: number, after: string | null = null) =>
    world.services.gateSnapshots.gateSnapshot(gate, eventId, since, first, after);

  /** Every page of a walk, the clock moving on between pages as a gate's walk does. */
  async function walk(gate: Caller, eventId: string, since: Date | null, first: number): Promise<GateSnapshot[]> {
    const pages = [await page(gate, eventId, since, first)];
    while (pages[pages.length - 1].nextCursor) {
      clock.advance(1_000);
      pages.push(await page(gate, eventId, since, first, pages[pages.length - 1].nextCursor));
    }
    return pages;
  }

  it("pages an event in id order, each ticket once, revoked ones with their tickets, every page answering the first page's asOf", async () => {
    const { shop, gate, event, ids } = await venue(7);
    await world.services.tickets.revokeTicket(shop, "P-1");
    await world.services.tickets.revokeTicket(shop, "P-4");
    const pages = await walk(gate, event.id, null, 3);
    expect(pages.map(idsOf).map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    const read = pages.flatMap(idsOf);
    expect(read).toEqual([...ids].sort());
    expect(pages.flatMap((p) => p.revokedTicketIds).sort()).toEqual([ids[1], ids[4]].sort());
    expect(new Set(pages.map((p) => p.asOf.toISOString())).size).toBe(1);
    // Without `first` the default page, here the whole event.
    const whole = await page(gate, event.id, null);
    expect(idsOf(whole)).toEqual(read);
    expect(whole.nextCursor).toBeNull();
  });

  it("refuses a page size or a cursor it cannot page by, naming the argument", async () => {
    const { gate, event, ids } = await venue(2);
    const refusal = (attempt: Promise<unknown>) => attempt.then(() => null, (e: { code?: string; details?: { field?: string } }) => ({ code: e.code, field: e.details?.field }));
    for (const first of [0, -1, 2.5, SNAPSHOT_PAGE.max + 1]) expect(await refusal(page(gate, event.id, null, first))).toEqual({ code: "BAD_USER_INPUT", field: "first" });
    const ahead = encodeSnapshotCursor({ asOf: new Date(clock.now().getTime() + MINUTE), lastId: ids[0] });
    for (const after of ["", "not-a-cursor", Buffer.from(`x|${ids[0]}`).toString("base64url"), Buffer.from(`${clock.now().getTime()}|'; DROP`).toString("base64url"), ahead]) {
      expect(await refusal(page(gate, event.id, null, 1, after))).toEqual({ code: "BAD_USER_INPUT", field: "after" });
    }
    expect((await page(gate, event.id, null, SNAPSHOT_PAGE.max)).tickets).toHaveLength(2);
  });

  it("brings a ticket that changed after its page was read on the refresh since the walk's asOf", async () => {
    const { shop, gate, event, ids } = await venue(6);
    const first = await page(gate, event.id, null, 2);
    clock.advance(MINUTE);
    // A ticket of the page already read changes while the walk goes on.
    const passed = first.tickets[0].ticketId;
    await world.services.tickets.revokeTicket(shop, `P-${ids.indexOf(passed)}`);
    const rest = [first];
    while (rest[rest.length - 1].nextCursor) rest.push(await page(gate, event.id, null, 2, rest[rest.length - 1].nextCursor));
    expect(rest.flatMap((p) => p.revokedTicketIds)).toEqual([]);
    const refresh = await walk(gate, event.id, first.asOf, 2);
    expect(refresh.flatMap((p) => p.revokedTicketIds)).toEqual([passed]);
  });

  it("pages a refresh too: tickets changed and those whose holder registered a device since, each once", async () => {
    const fan = await newCustomer(world);
    const { shop, gate, event, ids } = await venue(8, (i) => (i % 3 === 0 ? fan.phoneNumber : randomPhone()));
    const fans = ids.filter((_, i) => i % 3 === 0);
    // Past the overlap a snapshot's asOf keeps (SNAPSHOT_OVERLAP_MS): the posts are not changes since.
    clock.advance(MINUTE);
    const { asOf } = (await walk(gate, event.id, null, 3))[0];
    clock.advance(MINUTE);
    await world.services.tickets.revokeTicket(shop, "P-1");
    await world.services.tickets.revokeTicket(shop, "P-3"); // the fan's, so both reads find it
    const key = await DeviceKey.generate();
    const device = await world.services.devices.register(fan.caller, "Fan's phone", key.publicKey, PASSWORD);
    const pages = await walk(gate, event.id, asOf, 2);
    expect(pages.map(idsOf).map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flatMap(idsOf)).toEqual([ids[1], ...fans].sort());
    expect(pages.flatMap((p) => p.revokedTicketIds).sort()).toEqual([ids[1], ids[3]].sort());
    for (const ticket of pages.flatMap((p) => p.tickets)) expect(ticket.rotatingKeys.map((k) => k.deviceId)).toContain(device.id);
  });

  (engine === "sqlite" ? it : it.skip)("reads a page of the whole event as one range of (eventId, id), nothing sorted, on SQLite too", async () => {
    // MySQL's plans of the same statements are tests/integration/query-plans.test.ts's, on a seeded database.
    const { gate, event } = await venue(3);
    const select = jest.spyOn(world.deps.db, "select");
    const first = await page(gate, event.id, null, 1);
    await page(gate, event.id, null, 1, first.nextCursor);
    const reads = select.mock.calls.filter(([sql]) => sql.includes("FROM tickets t"));
    select.mockRestore();
    expect(reads).toHaveLength(2);
    for (const [sql, params] of reads) {
      const plan = (await world.deps.db.select<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((row) => row.detail);
      expect(plan).toEqual([expect.stringMatching(/^SEARCH t USING INDEX IDX_tickets_event_id \(eventId=\? AND id>\?\)$/)]);
    }
  });

  it("walks every page when an offline gate refreshes, and keeps its asOf when a walk is cut short", async () => {
    const { shop, gate, event, ids } = await venue(5);
    let failOnPage: number | null = null;
    let pagesRead = 0;
    const client = {
      gateSnapshot: async (eventId: string, since?: string | null, after?: string | null) => {
        pagesRead++;
        if (after && pagesRead === failOnPage) throw new TypeError("fetch failed");
        return asJson(await page(gate, eventId, since ? new Date(since) : null, 2, after ?? null));
      },
    } as unknown as GateClient;
    const local = new OfflineGate(client, event.id, "North");
    await local.refresh();
    expect(pagesRead).toBe(3);
    expect(local.state().snapshot.tickets.map((t) => t.id).sort()).toEqual([...ids].sort());
    const asOf = local.snapshotAsOf;
    clock.advance(MINUTE);
    await world.services.tickets.revokeTicket(shop, "P-0");
    await world.services.tickets.revokeTicket(shop, "P-2");
    await world.services.tickets.revokeTicket(shop, "P-4");
    pagesRead = 0;
    failOnPage = 2;
    await expect(local.refresh()).rejects.toThrow("fetch failed");
    expect(local.snapshotAsOf).toBe(asOf);
    failOnPage = null;
    await local.refresh();
    expect(local.state().snapshot.revoked.sort()).toEqual([ids[0], ids[2], ids[4]].sort());
    expect(local.snapshotAsOf).not.toBe(asOf);
  });
});
