import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { OfflineGate } from "../../clients/offline-gate";
import { PartnerClient } from "../../clients/partner";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// The rules case by case are tests/service/gate-desk.test.ts; here, the public API through the clients over HTTP and WebSocket.
describe.each(engines)("the gate's desk through the clients (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  async function venue() {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Festival Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const event = await shop.createEvent({ title: "Summer Sonic", venue: "Makuhari", doorsOpenAt: clock.now().toISOString(), startsAt: new Date(clock.now().getTime() + HOUR).toISOString() });
    return { shop, gate, event };
  }

  it("a gate scans for a check-in list, finds a visitor without a phone by name, admits by ticket id, undoes it; the shop reads the counts and the audit", async () => {
    const { shop, gate, event } = await venue();
    const fan = await newShopper(server.url);
    const vip = await shop.createCheckInList({ eventId: event.id, name: "VIP", allTickets: false });
    const onVip = await shop.postTicket({ eventId: event.id, issueNumber: "V-1", holderPhone: fan.phoneNumber, seat: "A-1", attendeeName: "Tanaka Yuki", checkInListIds: [vip.id] });
    const plain = await shop.postTicket({ eventId: event.id, issueNumber: "P-1", holderPhone: fan.phoneNumber, attendeeName: "Sato Ken" });
    expect(onVip.attendeeName).toBe("Tanaka Yuki");
    expect((await gate.checkInLists(event.id)).map((l) => l.name)).toEqual(["VIP"]);

    const plainCode = (await fan.phone.issueTicketCode(plain.id, PASSWORD)).code;
    expect(await gate.admitTicket(plainCode, event.id, "VIP door", vip.id)).toMatchObject({ result: "DENIED", reason: "NOT_ON_LIST" });

    const [hit] = await gate.gateSearch(event.id, "tanaka");
    expect(hit).toMatchObject({ ticketId: onVip.id, issueNumber: "V-1", attendeeName: "Tanaka Yuki", seat: "A-1" });
    const admitted = await gate.admitTicketById(hit.ticketId, event.id, "VIP door", vip.id);
    expect(admitted).toMatchObject({ result: "ADMITTED", byTicketId: true, listId: vip.id, ticket: { attendeeName: "Tanaka Yuki", seat: "A-1" } });
    expect(admitted.undoableUntil).not.toBeNull();
    expect((await gate.attendanceNow(event.id)).byList).toEqual([{ listId: vip.id, name: "VIP", admitted: 1 }]);

    const live = gate.movements(event.id);
    await live.ready;
    const undone = await gate.undoAdmission(admitted.id);
    expect(undone).toMatchObject({ id: admitted.id, undoableUntil: null });
    expect(undone.undoneAt).not.toBeNull();
    expect(await live.next()).toMatchObject({ id: admitted.id, undoneAt: undone.undoneAt });
    live.close();
    expect(await gate.attendanceNow(event.id)).toMatchObject({ admitted: 0, inside: 0, byList: [{ listId: vip.id, admitted: 0 }] });
    expect(await errorCodeOf(gate.undoAdmission(admitted.id))).toBe("BAD_USER_INPUT");

    // The offline gate has the names and the lists in its snapshot.
    const offline = new OfflineGate(gate, event.id, "VIP door", { listId: vip.id });
    await offline.refresh();
    expect(offline.search("sato").map((h) => h.issueNumber)).toEqual(["P-1"]);
    expect(await offline.decide(plainCode, { now: clock.now() })).toMatchObject({ reason: "NOT_ON_LIST", attendeeName: "Sato Ken" });

    const audit = await shop.gateAudit(event.id);
    expect(audit.map((a) => a.action).sort()).toEqual(["ADMIT_BY_ID", "SEARCH", "UNDO"]);
    expect(await errorCodeOf(gate.gateSearch(event.id, "t"))).toBe("BAD_USER_INPUT");
  });

  it("a ticket offered moves when the receiver accepts: the receiver is told live, the giver's code stops working", async () => {
    const { shop, gate, event } = await venue();
    const giver = await newShopper(server.url);
    const receiver = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "O-1", holderPhone: giver.phoneNumber, attendeeName: "Giver" });
    const giverCode = (await giver.phone.issueTicketCode(ticket.id, PASSWORD)).code;
    const told = receiver.phone.ticketOffersLive();
    await told.ready;

    const offer = await giver.phone.offerTicket(ticket.id, receiver.phoneNumber);
    expect(offer).toMatchObject({ status: "OFFERED", incoming: false, toPhone: receiver.phoneNumber });
    expect(await told.next()).toMatchObject({ id: offer.id, status: "OFFERED", incoming: true, event: { title: "Summer Sonic" } });
    expect((await receiver.phone.tickets()).map((t) => t.id)).toEqual([]);
    expect((await receiver.phone.ticketOffers())[0]).toMatchObject({ id: offer.id, incoming: true, fromPhone: expect.stringMatching(/^•+\d\d$/) });

    const accepted = await receiver.phone.acceptTicketOffer(offer.id, "Receiver");
    expect(accepted.status).toBe("ACCEPTED");
    expect(await told.next()).toMatchObject({ id: offer.id, status: "ACCEPTED" });
    told.close();
    expect((await receiver.phone.tickets()).map((t) => [t.id, t.attendeeName])).toEqual([[ticket.id, "Receiver"]]);
    expect((await gate.admitTicket(giverCode, event.id)).reason).toBe("INVALID");

    const back = await receiver.phone.offerTicket(ticket.id, giver.phoneNumber);
    expect((await receiver.phone.cancelTicketOffer(back.id)).status).toBe("CANCELLED");
    expect(await errorCodeOf(giver.phone.acceptTicketOffer(back.id))).toBe("BAD_USER_INPUT");
    const again = await receiver.phone.offerTicket(ticket.id, giver.phoneNumber);
    expect((await giver.phone.declineTicketOffer(again.id)).status).toBe("DECLINED");
    expect((await receiver.phone.tickets()).map((t) => t.id)).toEqual([ticket.id]);
  });
});
