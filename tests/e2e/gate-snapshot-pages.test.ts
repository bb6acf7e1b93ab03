import { AdminClient } from "../../clients/admin";
import { GateClient, snapshotPages } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { randomPhone } from "../support/test-data";

/** The snapshot's pages through the API: the arguments reach the service, and an old caller's query still answers. */
describe.each(engines)("gateSnapshot pages over GraphQL (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it("pages by first and after, answers a query without them with the first page, and refuses what it cannot page by", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Hall Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const now = Date.now();
    const event = await shop.createEvent({ title: "Hall", venue: "Hall", doorsOpenAt: new Date(now).toISOString(), startsAt: new Date(now + 3_600_000).toISOString() });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await shop.postTicket({ eventId: event.id, issueNumber: `H-${i}`, holderPhone: randomPhone() })).id);
    await shop.revokeTicket("H-2");

    const pages = [await gate.gateSnapshot(event.id, null, null, 2)];
    while (pages[pages.length - 1].nextCursor) pages.push(await gate.gateSnapshot(event.id, null, pages[pages.length - 1].nextCursor, 2));
    expect(pages.map((p) => p.tickets.length + p.revokedTicketIds.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => [...p.tickets.map((t) => t.ticketId), ...p.revokedTicketIds].sort())).toEqual([...ids].sort());
    expect(pages.flatMap((p) => p.revokedTicketIds)).toEqual([ids[2]]);
    expect(new Set(pages.map((p) => p.asOf)).size).toBe(1);

    // The query a gate sent before there were pages: the first page, the server's default size.
    const old = (await gate.request(`query($e: ID!) { gateSnapshot(eventId: $e) { asOf tickets { ticketId } revokedTicketIds } }`, { e: event.id })) as {
      gateSnapshot: { tickets: unknown[]; revokedTicketIds: string[] };
    };
    expect(old.gateSnapshot.tickets.length + old.gateSnapshot.revokedTicketIds.length).toBe(5);
    let walked = 0;
    for await (const page of snapshotPages(gate, event.id)) walked += page.tickets.length;
    expect(walked).toBe(4);

    await expect(gate.gateSnapshot(event.id, null, null, 0)).rejects.toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "first" } });
    await expect(gate.gateSnapshot(event.id, null, "bm90LWEtY3Vyc29y")).rejects.toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "after" } });
  });
});
