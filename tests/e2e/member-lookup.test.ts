import { AdminClient } from "../../clients/admin";
import type { WalletApiError } from "../../clients/common";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper, randomPhone } from "../support/world";

const LOOKUPS_PER_MIN = 15;

async function refusal(attempt: Promise<unknown>): Promise<WalletApiError> {
  try {
    await attempt;
  } catch (error) {
    return error as WalletApiError;
  }
  throw new Error("expected the call to fail");
}

/**
 * A member found at the register without a member code: by the store's customer number
 * or by phone number, only when the member allows it and belongs to the store's program;
 * every miss answers alike; earning on it works, redeeming does not; lookups are limited
 * per register key, and no phone number reaches the log.
 */
describe.each(engines)("looking up a member at the register (%s)", (engine) => {
  let server: TestServer;
  let admin: AdminClient;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { RATE_MEMBER_LOOKUPS_PER_REGISTER_PER_MIN: String(LOOKUPS_PER_MIN) } });
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(() => server.close());

  async function storeGroup() {
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const registerOf = async (name: string) => {
      const store = await admin.createStore(name, "JPY", program.id);
      return new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    };
    return { program, register: await registerOf("Sunshine Mart Ebisu"), registerOf };
  }

  it("finds a consenting member by the store's customer number and by phone, and earns points on it", async () => {
    const { program, register, registerOf } = await storeGroup();
    const m = await newShopper(server.url);
    const joined = await m.phone.joinProgram(program.id);
    expect(joined.lookupAllowed).toBe(false);
    const paid = await register.redeemCode((await m.phone.issuePaymentCode(m.card.id, PASSWORD)).code, { amount: 500, currency: "JPY" }, "ml-pay");
    const byNumber = { customerNumber: paid.customerNumber! };

    expect(await errorCodeOf(register.lookupMember(byNumber))).toBe("NOT_FOUND");
    expect(await errorCodeOf(register.lookupMember({ phone: m.phoneNumber }))).toBe("NOT_FOUND");
    expect(await errorCodeOf(register.earnPoints(joined.memberNumber, 1000, "ml-earn-0"))).toBe("NOT_FOUND");

    expect(await m.phone.setMemberLookup(program.id, true)).toMatchObject({ lookupAllowed: true });
    const found = await register.lookupMember(byNumber);
    expect(found).toMatchObject({ memberNumber: joined.memberNumber, programName: "Sunshine Points", points: 0, lookupAllowed: true });
    expect(await register.lookupMember({ phone: m.phoneNumber })).toMatchObject({ memberNumber: joined.memberNumber });

    const earned = await register.earnPoints(found.memberNumber, 12_345, "ml-earn-1");
    expect(earned).toMatchObject({ pointsEarned: 123, pointsRedeemed: 0, discount: 0, membership: { points: 123 } });
    expect(await register.earnPoints(found.memberNumber, 12_345, "ml-earn-1")).toEqual(earned);
    expect((await m.phone.messages())[0]).toMatchObject({ title: "Sunshine Points: +123 points" });
    const lookedUp = await register.lookupMember({ phone: m.phoneNumber });
    expect([lookedUp.points, lookedUp.nextExpiry]).toEqual([123, expect.any(String)]);

    // Another store of the program: the number there is another; the phone number still finds the member.
    const sister = await registerOf("Sunshine Mart Meguro");
    expect(await errorCodeOf(sister.lookupMember(byNumber))).toBe("NOT_FOUND");
    expect(await sister.lookupMember({ phone: m.phoneNumber })).toMatchObject({ memberNumber: joined.memberNumber });

    await m.phone.setMemberLookup(program.id, false);
    expect(await errorCodeOf(register.lookupMember({ phone: m.phoneNumber }))).toBe("NOT_FOUND");
    expect(await errorCodeOf(register.earnPoints(joined.memberNumber, 1000, "ml-earn-2"))).toBe("NOT_FOUND");
  });

  it("answers every miss alike: no such phone, not a member, not consented, another program's member", async () => {
    const { program, register } = await storeGroup();
    const other = await storeGroup();
    const notMember = await newShopper(server.url);
    const notConsented = await newShopper(server.url);
    await notConsented.phone.joinProgram(program.id);
    const elsewhere = await newShopper(server.url);
    await elsewhere.phone.joinProgram(other.program.id);
    await elsewhere.phone.setMemberLookup(other.program.id, true);

    const misses = await Promise.all(
      [randomPhone(), notMember.phoneNumber, notConsented.phoneNumber, elsewhere.phoneNumber].map((phone) => refusal(register.lookupMember({ phone }))),
    );
    expect(misses.map((e) => [e.code, e.message, e.extensions.code])).toEqual(Array(4).fill(["NOT_FOUND", misses[0].message, "NOT_FOUND"]));
    expect(await errorCodeOf(register.lookupMember({ customerNumber: "0123456789" }))).toBe("NOT_FOUND");
    expect(await errorCodeOf(register.lookupMember({ phone: "not a phone" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(register.lookupMember({ customerNumber: "12345" }))).toBe("BAD_USER_INPUT");
    expect(server.logs.text).not.toContain(notMember.phoneNumber.slice(1));
    expect(server.logs.text).not.toContain(elsewhere.phoneNumber.slice(1));
  });

  it("limits lookups per register key, found or not", async () => {
    const { program, register, registerOf } = await storeGroup();
    const m = await newShopper(server.url);
    await m.phone.joinProgram(program.id);
    await m.phone.setMemberLookup(program.id, true);
    const answers = await Promise.allSettled(Array.from({ length: LOOKUPS_PER_MIN }, () => register.lookupMember({ phone: m.phoneNumber })));
    expect(answers.every((a) => a.status === "fulfilled")).toBe(true);
    const limited = await refusal(register.lookupMember({ phone: m.phoneNumber }));
    expect([limited.code, typeof limited.extensions.retryAfterSeconds]).toEqual(["RATE_LIMITED", "number"]);
    expect(await errorCodeOf(register.earnPoints("00000000000", 100, "ml-limited"))).toBe("RATE_LIMITED");
    // Another register key has its own.
    expect(await (await registerOf("Sunshine Mart Shibuya")).lookupMember({ phone: m.phoneNumber })).toMatchObject({ lookupAllowed: true });
  });
});
