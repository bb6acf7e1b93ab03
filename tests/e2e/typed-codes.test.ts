import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });
const DAY = 86_400_000;

/** The code in the groups of four the phone shows, as a clerk keys it in. */
const spaced = (code: string) => code.replace(/(\d{4})(?=\d)/g, "$1 ");
const hyphenated = (code: string) => ` ${code.replace(/(\d{4})(?=\d)/g, "$1-")} `;

describe.each(engines)("payment, member and bill codes keyed in with spaces or hyphens (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  /** A store in a points program, with a register; a customer with a card, a membership and an open bill. */
  async function world() {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Typing Mart HQ");
    const program = await admin.createProgram({ name: "Typing Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Typing Mart", "JPY", program.id);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url);
    await shopper.phone.joinProgram(program.id);
    const payCode = async () => (await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code;
    const memberCode = async () => (await shopper.phone.issueMemberCode(program.id, PASSWORD)).code;
    const billCode = async () => {
      const reference = `INV-${Math.random().toString(36).slice(2, 10)}`;
      const dueDate = new Date(Date.now() + 10 * DAY).toISOString();
      const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 1_200, currency: "JPY", dueDate });
      return (await shopper.phone.issueBillCode(bill.id, PASSWORD)).code;
    };
    return { register, shopper, payCode, memberCode, billCode };
  }

  it("lookupCode and redeemCode take a payment code in groups of four, and the same key answers the same", async () => {
    const w = await world();
    const code = await w.payCode();
    expect(spaced(code)).toMatch(/^\d{4} \d{4} \d{4} \d{4} \d{4}$/);
    expect((await w.register.lookupCode(spaced(code))).card).toMatchObject({ last4: "4242" });
    expect((await w.register.lookupCode(hyphenated(code))).kind).toBe("PAYMENT");
    const paid = await w.register.redeemCode(spaced(code), JPY(500), "typed-1");
    expect(paid.status).toBe("APPROVED");
    // The same request, however it was typed.
    expect(await w.register.redeemCode(code, JPY(500), "typed-1")).toEqual(paid);
    expect(await errorCodeOf(w.register.redeemCode(hyphenated(code), JPY(500), "typed-2"))).toBe("CODE_ALREADY_USED");
  });

  it("a typo is still a typo, and letters are not digits", async () => {
    const w = await world();
    const code = await w.payCode();
    const typo = code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10);
    expect(await errorCodeOf(w.register.lookupCode(spaced(typo)))).toBe("CODE_INVALID");
    expect(await errorCodeOf(w.register.lookupCode(`${spaced(code)}x`))).toBe("CODE_INVALID");
    expect(await errorCodeOf(w.register.lookupCode(code.replace(/(\d{4})/, "$1_")))).toBe("CODE_INVALID");
  });

  it("settlePoints and redeemCode's memberCode take a member code in groups of four", async () => {
    const w = await world();
    expect((await w.register.lookupCode(spaced(await w.memberCode()))).kind).toBe("MEMBER");
    expect(await w.register.settlePoints(hyphenated(await w.memberCode()), 10_000, 0, "points-1")).toMatchObject({ pointsEarned: 100 });
    const payment = await w.register.redeemCode(spaced(await w.payCode()), JPY(1_000), "with-points", { memberCode: spaced(await w.memberCode()), redeemPoints: 50 });
    expect(payment).toMatchObject({ status: "APPROVED", amount: 950 });
  });

  it("lookupCode and collectBill take a bill code, and the payment code paying it, in groups of four", async () => {
    const w = await world();
    expect((await w.register.lookupCode(spaced(await w.billCode()))).bill).toMatchObject({ amount: 1_200 });
    expect(await w.register.collectBill(hyphenated(await w.billCode()), "CASH", "cash-1")).toMatchObject({ status: "PAID" });
    const byCard = await w.register.collectBill(spaced(await w.billCode()), "CARD", "card-1", spaced(await w.payCode()));
    expect(byCard).toMatchObject({ status: "PAID", tender: "CARD" });
  });
});
