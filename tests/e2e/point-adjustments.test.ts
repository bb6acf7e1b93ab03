import { AdminClient } from "../../clients/admin";
import type { WalletApiError } from "../../clients/common";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

/**
 * Manual point adjustments by the program's partner (with a reason, in the feed, never
 * below zero, the member told), and the member told of points earned at the register,
 * without those notices counting against the program's cap on direct mail.
 */
describe.each(engines)("point adjustments and notices (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { FEED_SETTLE_MS: "0" } });
  });
  afterAll(() => server.close());

  async function storeGroup() {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    const hq = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    return { program, store, register, hq };
  }

  async function member(programId: string) {
    const shopper = await newShopper(server.url);
    const membership = await shopper.phone.joinProgram(programId);
    return { ...shopper, membership, code: async () => (await shopper.phone.issueMemberCode(programId, PASSWORD)).code };
  }

  it("adds and takes points with a reason, in the feed, and tells the member, live and in the inbox", async () => {
    const { program, hq } = await storeGroup();
    const m = await member(program.id);
    const live = m.phone.messagesLive();
    try {
      await live.ready;
      const added = await hq.adjustPoints(program.id, m.membership.memberNumber, 500, "Apology for a late delivery", "adj-1");
      expect(added).toMatchObject({ memberNumber: m.membership.memberNumber, points: 500, reason: "Apology for a late delivery", balance: 500 });
      expect(added.expiresAt).not.toBeNull();
      expect(await live.next(2000)).toMatchObject({ title: "Sunshine Points: points adjusted +500", read: false });
      expect(await hq.adjustPoints(program.id, m.membership.memberNumber, 500, "Apology for a late delivery", "adj-1")).toEqual(added);
      expect(await errorCodeOf(hq.adjustPoints(program.id, m.membership.memberNumber, 400, "Apology for a late delivery", "adj-1"))).toBe("IDEMPOTENCY_CONFLICT");

      const taken = await hq.adjustPoints(program.id, m.membership.memberNumber, -200, "Points earned on a returned item", "adj-2");
      expect(taken).toMatchObject({ points: -200, balance: 300, expiresAt: null });
      const short = (await hq.adjustPoints(program.id, m.membership.memberNumber, -301, "Too much", "adj-3").catch((e: WalletApiError) => e)) as WalletApiError;
      expect([short.code, short.extensions.available]).toEqual(["INSUFFICIENT_POINTS", 300]);
      expect((await m.phone.memberships())[0]).toMatchObject({ points: 300 });

      const inbox = await m.phone.messages();
      expect(inbox.map((msg) => msg.title)).toEqual(["Sunshine Points: points adjusted -200", "Sunshine Points: points adjusted +500"]);
      expect(inbox[0].body).toContain("Points earned on a returned item");
      expect(inbox[0].body).toContain("300 points");
      // The same as facts, for the phone to word in its own language.
      expect(inbox.map((msg) => msg.notice)).toEqual([
        { kind: "POINTS_ADJUSTED", programName: "Sunshine Points", points: -200, balance: 300, storeName: null, reason: "Points earned on a returned item" },
        { kind: "POINTS_ADJUSTED", programName: "Sunshine Points", points: 500, balance: 500, storeName: null, reason: "Apology for a late delivery" },
      ]);
      const feed = await hq.pointMovements(program.id);
      expect(feed.nodes.map((n) => [n.kind, n.points, n.reason, n.memberNumber])).toEqual([
        ["ADJUST", 500, "Apology for a late delivery", m.membership.memberNumber],
        ["ADJUST", -200, "Points earned on a returned item", m.membership.memberNumber],
      ]);
    } finally {
      await m.phone.live.close();
    }
  });

  it("never takes the balance below zero when adjustments race", async () => {
    const { program, hq } = await storeGroup();
    const m = await member(program.id);
    await hq.adjustPoints(program.id, m.membership.memberNumber, 300, "Welcome", "race-0");
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => hq.adjustPoints(program.id, m.membership.memberNumber, -100, "Correction", `race-${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(results.filter((r) => r.status === "rejected").map((r) => ((r as PromiseRejectedResult).reason as WalletApiError).code)).toEqual([
      "INSUFFICIENT_POINTS",
      "INSUFFICIENT_POINTS",
    ]);
    expect((await m.phone.memberships())[0]).toMatchObject({ points: 0 });
  });

  it("refuses another partner's program, an unknown member, zero points and no reason", async () => {
    const { program, hq } = await storeGroup();
    const other = await storeGroup();
    const m = await member(program.id);
    expect(await errorCodeOf(other.hq.adjustPoints(program.id, m.membership.memberNumber, 10, "Hijack", "bad-1"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(other.hq.adjustPoints(other.program.id, m.membership.memberNumber, 10, "Not a member here", "bad-2"))).toBe("NOT_FOUND");
    expect(await errorCodeOf(hq.adjustPoints(program.id, m.membership.memberNumber, 0, "Nothing", "bad-3"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(hq.adjustPoints(program.id, m.membership.memberNumber, 10, "  ", "bad-4"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(m.phone.messages().then(() => hq.adjustPoints(program.id, m.membership.memberNumber, 2_000_000, "Too many", "bad-5")))).toBe("BAD_USER_INPUT");
    expect(await m.phone.messages()).toEqual([]);
  });

  it("tells the member of points earned at the register, and such notices leave the partner's mail cap alone", async () => {
    const { program, register, hq } = await storeGroup();
    const m = await member(program.id);
    for (const [i, amount] of [12_345, 1_000, 2_000].entries()) await register.settlePoints(await m.code(), amount, 0, `earn-${i}`);
    const inbox = await m.phone.messages();
    expect(inbox).toHaveLength(3);
    expect(inbox[2]).toMatchObject({ title: "Sunshine Points: +123 points", read: false });
    expect(inbox[2].body).toBe("You earned 123 points at Sunshine Mart Ebisu. Your balance is 123 points.");
    expect(inbox[0].body).toBe("You earned 20 points at Sunshine Mart Ebisu. Your balance is 153 points.");
    expect(inbox[0].notice).toEqual({ kind: "POINTS_EARNED", programName: "Sunshine Points", points: 20, balance: 153, storeName: "Sunshine Mart Ebisu", reason: null });
    // The cap (3 a day) counts the partner's own mail only.
    expect(await hq.sendMessage(program.id, "Autumn sale", "20% off")).toBe(1);
    expect(await register.settlePoints(await m.code(), 50, 0, "earn-none")).toMatchObject({ pointsEarned: 0 });
    expect(await m.phone.messages()).toHaveLength(4);
  });

  it("tells the member of points earned with a card payment once it is approved", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    const paid = await register.redeemCode((await m.phone.issuePaymentCode(m.card.id, PASSWORD)).code, { amount: 5_000, currency: "JPY" }, "card-earn", {
      memberCode: await m.code(),
    });
    expect(paid).toMatchObject({ status: "APPROVED", points: { pointsEarned: 50 } });
    expect(await m.phone.messages()).toEqual([expect.objectContaining({ title: "Sunshine Points: +50 points" })]);
    expect((await m.phone.messages())[0].body).toBe("You earned 50 points at Sunshine Mart Ebisu. Your balance is 50 points.");
  });
});
