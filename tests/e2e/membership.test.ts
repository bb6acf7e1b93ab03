import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

describe.each(engines)("membership cards on the phone (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { FEED_SETTLE_MS: "0" } });
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

  // The rules (arithmetic, rounding, expiry, races, paging) are tests/service/points.test.ts.
  it("joins online, shows a member code, and settles points at the register over the wire", async () => {
    const { program, register, hq } = await storeGroup();
    const offer = await hq.createOffer(program.id, "Onigiri 2 for 1", "Every Tuesday", null);
    const m = await member(program.id);
    expect(m.membership).toMatchObject({ programName: "Sunshine Points", points: 0, nextExpiry: null });

    const first = await m.code();
    const seen = await register.lookupCode(first);
    expect(seen.kind).toBe("MEMBER");
    expect(seen.membership).toMatchObject({ memberNumber: m.membership.memberNumber, points: 0, offers: [{ id: offer.id, title: "Onigiri 2 for 1" }] });

    const earned = await register.settlePoints(first, 12_345, 0, "earn-1");
    expect(earned).toMatchObject({ pointsEarned: 123, pointsRedeemed: 0, discount: 0, membership: { points: 123 } });
    expect(await errorCodeOf(register.settlePoints(first, 100, 0, "earn-again"))).toBe("CODE_ALREADY_USED");

    const spent = await register.settlePoints(await m.code(), 1_000, 100, "redeem-1");
    expect(spent).toMatchObject({ pointsRedeemed: 100, discount: 100, pointsEarned: 9, membership: { points: 32 } });
    expect((await m.phone.memberships())[0]).toMatchObject({ points: 32 });
    const feed = await hq.pointMovements(program.id);
    expect(feed.nodes.map((n) => [n.kind, n.points, n.memberNumber])).toEqual([
      ["EARN", 123, m.membership.memberNumber],
      ["REDEEM", -100, m.membership.memberNumber],
      ["EARN", 9, m.membership.memberNumber],
    ]);
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
    expect(await errorCodeOf(other.hq.pointMovements(program.id))).toBe("FORBIDDEN");
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
      expect(pushed).toMatchObject({ title: "Autumn sale", read: false, notice: null });
      expect(await outsiderLive.nothingWithin(200)).toBe(true);

      const [inbox] = await bob.phone.messages();
      expect(inbox).toMatchObject({ id: pushed.id, title: "Autumn sale", body: "20% off everything this weekend", read: false, notice: null });
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

  it("sends to one member by member number, live to that member only, and a segment by period over the wire", async () => {
    const { program, hq } = await storeGroup();
    const alice = await member(program.id);
    const bob = await member(program.id);
    const aliceLive = alice.phone.messagesLive();
    const bobLive = bob.phone.messagesLive();
    try {
      await Promise.all([aliceLive.ready, bobLive.ready]);
      expect(await hq.sendMessage(program.id, "Your birthday coupon", "A free coffee", { memberNumber: bob.membership.memberNumber })).toBe(1);
      expect(await bobLive.next(1000)).toMatchObject({ title: "Your birthday coupon" });
      expect(await aliceLive.nothingWithin(200)).toBe(true);
      expect(await alice.phone.messages()).toEqual([]);
      // Nobody has made a purchase with the membership yet.
      expect(await hq.sendMessage(program.id, "Thanks", "For shopping", { spentAfter: "2020-01-01T00:00:00Z" })).toBe(0);
      expect(await errorCodeOf(hq.sendMessage(program.id, "Bad", "period", { joinedAfter: "2030-01-01T00:00:00Z", joinedBefore: "2020-01-01T00:00:00Z" }))).toBe(
        "BAD_USER_INPUT",
      );
    } finally {
      await alice.phone.live.close();
      await bob.phone.live.close();
    }
  });
});
