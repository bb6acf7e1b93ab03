import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const DAY = 86_400_000;

describe.each(engines)("membership cards on the phone (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-11-01T09:00:00Z"));
  beforeAll(async () => {
    // Sessions outlive the months this file moves the clock through.
    server = await startTestServer(engine, { clock, env: { FEED_SETTLE_MS: "0", SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  /** A store group: its partner key, a program (1 point per 100 yen, 1 yen a point), a store with a register. */
  async function storeGroup(options: { pointsPerUnit?: number; expiryDays?: number } = {}) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({
      name: "Sunshine Points",
      partnerId: partner.id,
      pointsPerUnit: options.pointsPerUnit ?? 0.01,
      pointValue: 1,
      expiryDays: options.expiryDays ?? 365,
    });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    const hq = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    return { admin, partner, program, store, register, hq };
  }

  async function member(programId: string) {
    const shopper = await newShopper(server.url);
    const membership = await shopper.phone.joinProgram(programId);
    const code = async () => (await shopper.phone.issueMemberCode(programId, PASSWORD)).code;
    return { ...shopper, membership, code };
  }

  it("joins online, shows a member code, earns on a purchase and redeems points as money off", async () => {
    const { program, register, hq } = await storeGroup();
    const offer = await hq.createOffer(program.id, "Onigiri 2 for 1", "Every Tuesday", null);
    const m = await member(program.id);
    expect(m.membership).toMatchObject({ programName: "Sunshine Points", points: 0, nextExpiry: null });
    expect(m.membership.memberNumber).toMatch(/^\d{12}$/);
    expect(await m.phone.joinProgram(program.id)).toMatchObject({ memberNumber: m.membership.memberNumber });

    const first = await m.code();
    const seen = await register.lookupCode(first);
    expect(seen.kind).toBe("MEMBER");
    expect(seen.membership).toMatchObject({ memberNumber: m.membership.memberNumber, points: 0, offers: [{ id: offer.id, title: "Onigiri 2 for 1" }] });

    const earned = await register.settlePoints(first, 12_345, 0, "earn-1");
    expect(earned).toMatchObject({ pointsEarned: 123, pointsRedeemed: 0, discount: 0, membership: { points: 123 } });
    expect(await errorCodeOf(register.settlePoints(first, 100, 0, "earn-again"))).toBe("CODE_ALREADY_USED");

    const spent = await register.settlePoints(await m.code(), 1_000, 100, "redeem-1");
    // 100 points = 100 yen off; 900 yen left earns 9 points.
    expect(spent).toMatchObject({ pointsRedeemed: 100, discount: 100, pointsEarned: 9, membership: { points: 32 } });
    expect((await m.phone.memberships())[0]).toMatchObject({ points: 32 });
    expect(await register.settlePoints(await m.code(), 1_000, 100, "redeem-1").catch((e) => e.code)).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("rounds earnings down exactly (0.29 points a yen on 100 yen is 29 points)", async () => {
    const { program, register } = await storeGroup({ pointsPerUnit: 0.29 });
    const m = await member(program.id);
    expect((await register.settlePoints(await m.code(), 100, 0, "round-1")).pointsEarned).toBe(29);
    expect((await register.settlePoints(await m.code(), 7, 0, "round-2")).pointsEarned).toBe(2);
  });

  it("refuses to redeem more than the balance (INSUFFICIENT_POINTS) or more than the purchase", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    await register.settlePoints(await m.code(), 5_000, 0, "ins-earn");
    expect(await errorCodeOf(register.settlePoints(await m.code(), 1_000, 51, "ins-1"))).toBe("INSUFFICIENT_POINTS");
    expect(await errorCodeOf(register.settlePoints(await m.code(), 10, 50, "ins-2"))).toBe("BAD_USER_INPUT");
    expect((await m.phone.memberships())[0].points).toBe(50);
  });

  it("spends the oldest points first and stops counting expired ones without any batch job", async () => {
    const { program, register } = await storeGroup({ expiryDays: 60 });
    const m = await member(program.id);
    const start = clock.now().getTime();
    await register.settlePoints(await m.code(), 10_000, 0, "lot-a"); // 100 points, expire on day 60
    clock.advance(40 * DAY);
    await register.settlePoints(await m.code(), 5_000, 0, "lot-b"); // 50 points, expire on day 100
    let [view] = await m.phone.memberships();
    expect(view).toMatchObject({ points: 150, pointsExpiringSoon: 100 });

    clock.advance(15 * DAY); // day 55: lot A expires within 30 days, lot B (day 100) not
    [view] = await m.phone.memberships();
    expect(view.pointsExpiringSoon).toBe(100);
    expect(new Date(view.nextExpiry!).getTime()).toBe(start + 60 * DAY);

    // Redeeming 30 takes them from lot A (the oldest), so only 70 expire with it.
    await register.settlePoints(await m.code(), 30, 30, "oldest-first");
    clock.advance(6 * DAY); // day 61: lot A has expired
    [view] = await m.phone.memberships();
    expect(view.points).toBe(50);
    expect(await errorCodeOf(register.settlePoints(await m.code(), 1_000, 51, "expired-gone"))).toBe("INSUFFICIENT_POINTS");
  });

  it("never lets concurrent settlements of one member's codes spend more than the balance", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    await register.settlePoints(await m.code(), 10_000, 0, "race-earn"); // 100 points
    const codes = await Promise.all(Array.from({ length: 6 }, () => m.code()));
    const outcomes = await Promise.all(
      codes.map((code, i) =>
        register.settlePoints(code, 40, 40, `race-${i}`).then(
          () => "OK",
          (e: { code?: string }) => e.code ?? "NO_CODE",
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(2);
    expect(outcomes.filter((o) => o === "INSUFFICIENT_POINTS")).toHaveLength(4);
    expect((await m.phone.memberships())[0].points).toBe(20);
  });

  it("shows a member code only to registers of the program's stores", async () => {
    const { program } = await storeGroup();
    const other = await storeGroup();
    const m = await member(program.id);
    const code = await m.code();
    expect(await errorCodeOf(other.register.lookupCode(code))).toBe("FORBIDDEN");
    expect(await errorCodeOf(other.register.settlePoints(code, 100, 0, "foreign-1"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(m.phone.issueMemberCode(other.program.id, PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(other.register.redeemCode(code, { amount: 100, currency: "JPY" }, "wrong-kind"))).toBe("CODE_WRONG_KIND");
  });

  it("delivers a partner's message to every member's inbox and live to a subscribed phone", async () => {
    const { program, hq } = await storeGroup();
    const other = await storeGroup();
    const alice = await member(program.id);
    const bob = await member(program.id);
    const outsider = await member(other.program.id);
    const live = alice.phone.messagesLive();
    const outsiderLive = outsider.phone.messagesLive();
    try {
      await Promise.all([live.ready, outsiderLive.ready]);
      expect(await hq.sendMessage(program.id, "Autumn sale", "20% off everything this weekend")).toBe(2);
      const pushed = await live.next(1000);
      expect(pushed).toMatchObject({ title: "Autumn sale", read: false });
      expect(await outsiderLive.nothingWithin(200)).toBe(true);

      const [inbox] = await bob.phone.messages();
      expect(inbox).toMatchObject({ id: pushed.id, title: "Autumn sale", body: "20% off everything this weekend", read: false });
      expect((await bob.phone.markMessageRead(inbox.id)).read).toBe(true);
      expect((await bob.phone.messages())[0].read).toBe(true);
      expect((await alice.phone.messages())[0].read).toBe(false);
      expect(await outsider.phone.messages()).toEqual([]);
      expect(await errorCodeOf(outsider.phone.markMessageRead(inbox.id))).toBe("NOT_FOUND");
      expect(await errorCodeOf(hq.sendMessage(other.program.id, "Hijack", "Not your members"))).toBe("FORBIDDEN");
    } finally {
      await alice.phone.live.close();
      await outsider.phone.live.close();
    }
  });

  it("pages the program's point movements since a cursor for the HQ's own systems", async () => {
    const { program, register, hq } = await storeGroup();
    const other = await storeGroup();
    const m = await member(program.id);
    await register.settlePoints(await m.code(), 1_000, 0, "feed-1"); // EARN 10
    await register.settlePoints(await m.code(), 2_000, 0, "feed-2"); // EARN 20
    await register.settlePoints(await m.code(), 500, 5, "feed-3"); // REDEEM -5, EARN 4

    const page1 = await hq.pointMovements(program.id, null, 2);
    expect(page1.nodes.map((n) => [n.kind, n.points])).toEqual([["EARN", 10], ["EARN", 20]]);
    const page2 = await hq.pointMovements(program.id, page1.nextCursor, 2);
    expect(page2.nodes.map((n) => [n.kind, n.points])).toEqual([["REDEEM", -5], ["EARN", 4]]);
    expect(page2.nodes.every((n) => n.memberNumber === m.membership.memberNumber)).toBe(true);
    const page3 = await hq.pointMovements(program.id, page2.nextCursor, 2);
    expect(page3.nodes).toEqual([]);
    expect(page3.nextCursor).toBe(page2.nextCursor);

    await register.settlePoints(await m.code(), 300, 0, "feed-4");
    expect((await hq.pointMovements(program.id, page3.nextCursor)).nodes.map((n) => n.points)).toEqual([3]);
    expect(await errorCodeOf(other.hq.pointMovements(program.id))).toBe("FORBIDDEN");
  });
});
