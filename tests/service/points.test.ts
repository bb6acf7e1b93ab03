import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const DAY = 86_400_000;

describe.each(engines)("points: earning, redeeming and expiry (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-11-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { FEED_SETTLE_MS: "0" } });
  });
  afterAll(() => world.close());

  /** A store group: its HQ, a program (1 point per 100 yen, 1 yen a point unless told), a store of it with a register. */
  async function storeGroup(options: { pointsPerUnit?: number; expiryDays?: number } = {}) {
    const { partner, hq } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, {
      name: "Sunshine Points",
      partnerId: partner.id,
      pointsPerUnit: options.pointsPerUnit ?? 0.01,
      pointValue: 1,
      expiryDays: options.expiryDays ?? 365,
    });
    const { register } = await newStore(world, { name: "Sunshine Mart Ebisu", programId: program.id });
    return { program, register, hq };
  }

  async function member(programId: string) {
    const customer = await newCustomer(world);
    const membership = await world.services.memberships.joinProgram(customer.caller, programId);
    const code = async () => (await world.services.memberships.issueMemberCode(customer.caller, programId, PASSWORD)).code;
    const memberships = () => world.services.memberships.memberships(customer.caller);
    return { ...customer, membership, code, memberships };
  }

  it("joins once with a 12-digit member number, and shows the balance and offers to the program's register", async () => {
    const { program, register, hq } = await storeGroup();
    const offer = await world.services.programs.createOffer(hq, program.id, { title: "Onigiri 2 for 1", description: "Every Tuesday" });
    const m = await member(program.id);
    expect(m.membership).toMatchObject({ programName: "Sunshine Points", points: 0, nextExpiry: null });
    expect(m.membership.memberNumber).toMatch(/^\d{12}$/);
    expect(await world.services.memberships.joinProgram(m.caller, program.id)).toMatchObject({ memberNumber: m.membership.memberNumber });

    const seen = await world.services.lookup.lookupCode(register, await m.code());
    expect(seen.kind).toBe("MEMBER");
    expect(seen.membership).toMatchObject({ memberNumber: m.membership.memberNumber, points: 0, offers: [{ id: offer.id, title: "Onigiri 2 for 1" }] });
  });

  it("earns on the purchase, redeems points as money off and earns on the rest; a key replays its answer", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    const settle = world.services.points.settlePoints.bind(world.services.points, register);

    const first = await m.code();
    const earned = await settle(first, 12_345, 0, "earn-1");
    expect(earned).toMatchObject({ pointsEarned: 123, pointsRedeemed: 0, discount: 0, membership: { points: 123 } });
    expect(await errorCodeOf(settle(first, 100, 0, "earn-again"))).toBe("CODE_ALREADY_USED");
    expect(await settle(first, 12_345, 0, "earn-1")).toMatchObject({ pointsEarned: 123 });

    const spent = await settle(await m.code(), 1_000, 100, "redeem-1");
    // 100 points = 100 yen off; 900 yen left earns 9 points.
    expect(spent).toMatchObject({ pointsRedeemed: 100, discount: 100, pointsEarned: 9, membership: { points: 32 } });
    expect((await m.memberships())[0]).toMatchObject({ points: 32 });
    expect(await errorCodeOf(settle(await m.code(), 1_000, 100, "redeem-1"))).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("rounds earnings down exactly (0.29 points a yen on 100 yen is 29 points)", async () => {
    const { program, register } = await storeGroup({ pointsPerUnit: 0.29 });
    const m = await member(program.id);
    expect((await world.services.points.settlePoints(register, await m.code(), 100, 0, "round-1")).pointsEarned).toBe(29);
    expect((await world.services.points.settlePoints(register, await m.code(), 7, 0, "round-2")).pointsEarned).toBe(2);
  });

  it("refuses to redeem more than the balance (INSUFFICIENT_POINTS) or more than the purchase", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    const settle = world.services.points.settlePoints.bind(world.services.points, register);
    await settle(await m.code(), 5_000, 0, "ins-earn");
    expect(await errorCodeOf(settle(await m.code(), 1_000, 51, "ins-1"))).toBe("INSUFFICIENT_POINTS");
    expect(await errorCodeOf(settle(await m.code(), 10, 50, "ins-2"))).toBe("BAD_USER_INPUT");
    expect((await m.memberships())[0].points).toBe(50);
  });

  it("spends the oldest points first and stops counting expired ones without any batch job", async () => {
    const { program, register } = await storeGroup({ expiryDays: 60 });
    const m = await member(program.id);
    const settle = world.services.points.settlePoints.bind(world.services.points, register);
    const start = clock.now().getTime();
    await settle(await m.code(), 10_000, 0, "lot-a"); // 100 points, expire on day 60
    clock.advance(40 * DAY);
    await settle(await m.code(), 5_000, 0, "lot-b"); // 50 points, expire on day 100
    let [view] = await m.memberships();
    expect(view).toMatchObject({ points: 150, pointsExpiringSoon: 100 });

    clock.advance(15 * DAY); // day 55: lot A expires within 30 days, lot B (day 100) not
    [view] = await m.memberships();
    expect(view.pointsExpiringSoon).toBe(100);
    expect(view.nextExpiry?.getTime()).toBe(start + 60 * DAY);

    // Redeeming 30 takes them from lot A (the oldest), so only 70 expire with it.
    await settle(await m.code(), 30, 30, "oldest-first");
    clock.advance(6 * DAY); // day 61: lot A has expired
    [view] = await m.memberships();
    expect(view.points).toBe(50);
    expect(await errorCodeOf(settle(await m.code(), 1_000, 51, "expired-gone"))).toBe("INSUFFICIENT_POINTS");
  });

  it("never lets concurrent settlements of one member's codes spend more than the balance", async () => {
    const { program, register } = await storeGroup();
    const m = await member(program.id);
    await world.services.points.settlePoints(register, await m.code(), 10_000, 0, "race-earn"); // 100 points
    const codes = await Promise.all(Array.from({ length: 6 }, () => m.code()));
    const outcomes = await Promise.all(
      codes.map((code, i) => world.services.points.settlePoints(register, code, 40, 40, `race-${i}`).then(() => "OK", (e: { code?: string }) => e.code ?? "NO_CODE")),
    );
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(2);
    expect(outcomes.filter((o) => o === "INSUFFICIENT_POINTS")).toHaveLength(4);
    expect((await m.memberships())[0].points).toBe(20);
  });

  it("pages the program's point movements since a cursor, for the HQ's own systems only", async () => {
    const { program, register, hq } = await storeGroup();
    const other = await storeGroup();
    const m = await member(program.id);
    const settle = world.services.points.settlePoints.bind(world.services.points, register);
    const movements = world.services.points.pointMovements.bind(world.services.points, hq, program.id);
    await settle(await m.code(), 1_000, 0, "feed-1"); // EARN 10
    await settle(await m.code(), 2_000, 0, "feed-2"); // EARN 20
    await settle(await m.code(), 500, 5, "feed-3"); // REDEEM -5, EARN 4

    const page1 = await movements(2, null);
    expect(page1.nodes.map((n) => [n.kind, n.points])).toEqual([["EARN", 10], ["EARN", 20]]);
    const page2 = await movements(2, page1.nextCursor);
    expect(page2.nodes.map((n) => [n.kind, n.points])).toEqual([["REDEEM", -5], ["EARN", 4]]);
    expect(page2.nodes.every((n) => n.memberNumber === m.membership.memberNumber)).toBe(true);
    const page3 = await movements(2, page2.nextCursor);
    expect(page3.nodes).toEqual([]);
    expect(page3.nextCursor).toBe(page2.nextCursor);

    await settle(await m.code(), 300, 0, "feed-4");
    expect((await movements(100, page3.nextCursor)).nodes.map((n) => n.points)).toEqual([3]);
    expect(await errorCodeOf(world.services.points.pointMovements(other.hq, program.id, 100, null))).toBe("FORBIDDEN");
  });
});
