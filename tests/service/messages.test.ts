import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const HOUR = 3_600_000;

describe.each(engines)("messages to members: one, a segment, and the daily cap (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-11-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { MESSAGES_PER_MEMBER_PER_DAY: "3" } });
  });
  afterAll(() => world.close());

  async function storeGroup() {
    const { partner, hq } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, {
      name: "Sunshine Points",
      partnerId: partner.id,
      pointsPerUnit: 0.01,
      pointValue: 1,
      expiryDays: 365,
    });
    const { register } = await newStore(world, { name: "Sunshine Mart Ebisu", programId: program.id });
    const send = (title: string, audience = {}) => world.services.messages.sendMessage(hq, program.id, title, "body", audience);
    return { program, register, hq, send };
  }

  async function member(programId: string) {
    const customer = await newCustomer(world);
    const membership = await world.services.memberships.joinProgram(customer.caller, programId);
    const inbox = async () => (await world.services.messages.messages(customer.caller)).map((m) => m.title);
    const code = async () => (await world.services.memberships.issueMemberCode(customer.caller, programId, PASSWORD)).code;
    return { ...customer, membership, inbox, code };
  }

  it("reaches one member by member number, and no one else", async () => {
    const { program, send } = await storeGroup();
    const [alice, bob] = [await member(program.id), await member(program.id)];
    expect(await send("Just for you", { memberNumber: alice.membership.memberNumber })).toBe(1);
    expect(await alice.inbox()).toEqual(["Just for you"]);
    expect(await bob.inbox()).toEqual([]);
    expect(await errorCodeOf(send("Nobody", { memberNumber: "999999999999" }))).toBe("NOT_FOUND");
    expect(await errorCodeOf(send("Both", { memberNumber: alice.membership.memberNumber, joinedAfter: new Date() }))).toBe("BAD_USER_INPUT");
  });

  it("reaches the members who joined within a period, or who used their membership in a purchase within one", async () => {
    const { program, register, send } = await storeGroup();
    const early = await member(program.id);
    clock.advance(2 * HOUR);
    const joinedFrom = clock.now();
    const late = await member(program.id);
    clock.advance(HOUR);
    const spentFrom = clock.now();
    await world.services.points.settlePoints(register, await early.code(), 1_000, 0, "earn-early");
    clock.advance(HOUR);

    expect(await send("Welcome", { joinedAfter: joinedFrom })).toBe(1);
    expect(await late.inbox()).toEqual(["Welcome"]);
    expect(await send("Thanks for shopping", { spentAfter: spentFrom, spentBefore: clock.now() })).toBe(1);
    // Newest first, after the notice of the points the purchase earned (not direct mail: outside the cap).
    expect(await early.inbox()).toEqual(["Thanks for shopping", "Sunshine Points: +10 points"]);
    expect(await send("Before anyone spent", { spentBefore: spentFrom })).toBe(0);
    expect(await errorCodeOf(send("Backwards", { joinedAfter: clock.now(), joinedBefore: joinedFrom }))).toBe("BAD_USER_INPUT");
  });

  it("puts at most three of a program's messages in a member's inbox in any 24 hours", async () => {
    const { program, send } = await storeGroup();
    const other = await storeGroup();
    const m = await member(program.id);
    await world.services.memberships.joinProgram(m.caller, other.program.id);
    for (const title of ["one", "two", "three"]) expect(await send(title)).toBe(1);
    expect(await send("four")).toBe(0); // skipped, not queued
    expect(await other.send("another program's")).toBe(1); // the cap is per program
    clock.advance(23 * HOUR);
    expect(await send("still capped")).toBe(0);
    clock.advance(HOUR + 1);
    expect(await send("a new day")).toBe(1);
    expect(await m.inbox()).toEqual(["a new day", "another program's", "three", "two", "one"]);
  });

  it("never passes the cap when several messages are sent at once", async () => {
    const { program, send } = await storeGroup();
    const m = await member(program.id);
    const reached = await Promise.all(Array.from({ length: 6 }, (_, i) => send(`burst ${i}`)));
    expect(reached.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await m.inbox()).toHaveLength(3);
  });
});
