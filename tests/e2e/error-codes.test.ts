import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper, randomPhone } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });

describe.each(engines)("every failure answers with its contract code (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    server = await startTestServer(engine, { clock });
  });
  afterAll(() => server.close());

  it("UNAUTHENTICATED without a credential, with a forged one, and after logout", async () => {
    const shopper = await newShopper(server.url);
    expect(await errorCodeOf(new PhoneClient(server.url).me())).toBe("UNAUTHENTICATED");
    expect(await errorCodeOf(new PhoneClient(server.url, "wcs_forged").me())).toBe("UNAUTHENTICATED");
    expect(await errorCodeOf(new RegisterClient(server.url, "wck_forged").lookupCode("1"))).toBe("UNAUTHENTICATED");
    const token = shopper.phone.token!;
    expect(await shopper.phone.logout()).toBe(true);
    expect(await errorCodeOf(new PhoneClient(server.url, token).me())).toBe("UNAUTHENTICATED");
  });

  it("FORBIDDEN for a valid credential of the wrong role", async () => {
    const shopper = await newShopper(server.url);
    const { apiKey } = await newRegister(server.url);
    const phoneAsRegister = new RegisterClient(server.url, shopper.phone.token!);
    expect(await errorCodeOf(phoneAsRegister.redeemCode("1", JPY(1), "k"))).toBe("FORBIDDEN");
    expect(await errorCodeOf(new AdminClient(server.url, apiKey).enrollCustomer({ phone: randomPhone(), name: "x", password: PASSWORD }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(new PhoneClient(server.url, apiKey).issuePaymentCode("x", PASSWORD))).toBe("FORBIDDEN");
    expect(await errorCodeOf(new AdminClient(server.url, shopper.phone.token!).createStore("x", "JPY"))).toBe("FORBIDDEN");
  });

  it("BAD_USER_INPUT for malformed input, and nothing is written", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    expect(await errorCodeOf(admin.enrollCustomer({ phone: "090-1234-5678", name: "x", password: PASSWORD }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(admin.enrollCustomer({ phone: shopper.phoneNumber, name: "Again", password: PASSWORD }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(new PhoneClient(server.url).login("not a phone", PASSWORD))).toBe("BAD_USER_INPUT");
    const card = { expiryMonth: 12, expiryYear: 2035, holderName: "H", kind: "CREDIT" as const, institution: "X" };
    expect(await errorCodeOf(shopper.phone.addCard({ ...card, pan: "4242424242424241" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(shopper.phone.addCard({ ...card, pan: TEST_CARDS.mastercard, expiryMonth: 13 }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(shopper.phone.addCard({ ...card, pan: TEST_CARDS.visa }))).toBe("BAD_USER_INPUT"); // already in the wallet
    expect((await shopper.phone.cards()).map((c) => c.last4)).toEqual(["4242"]);
    expect(await errorCodeOf(shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, 0))).toBe("BAD_USER_INPUT");

    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    expect(await errorCodeOf(register.redeemCode(code, JPY(0), "bad-1"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(register.redeemCode(code, JPY(-100), "bad-2"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(register.redeemCode(code, { amount: 100, currency: "USD" }, "bad-3"))).toBe("BAD_USER_INPUT");
    const items = [{ name: "Tea", quantity: 2, unitPrice: 150 }];
    expect(await errorCodeOf(register.redeemCode(code, { ...JPY(301), items }, "bad-4"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(register.payments(20, "not-a-cursor"))).toBe("BAD_USER_INPUT");
    // None of that used the code up.
    expect((await register.redeemCode(code, { ...JPY(300), items }, "good-1")).status).toBe("APPROVED");
  });

  it("NOT_FOUND for another customer's card, an unknown owner, another store's payment", async () => {
    const alice = await newShopper(server.url);
    const bob = await newShopper(server.url);
    expect(await errorCodeOf(bob.phone.setCardStatus(alice.card.id, "NOT_AVAILABLE", PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(bob.phone.issuePaymentCode(alice.card.id, PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(new AdminClient(server.url, ADMIN_TOKEN).issueApiKey("REGISTER", "01a00000-0000-7000-8000-000000000000"))).toBe("NOT_FOUND");
    const mine = await newRegister(server.url);
    const theirs = await newRegister(server.url);
    const { code } = await alice.phone.issuePaymentCode(alice.card.id, PASSWORD);
    const payment = await mine.register.redeemCode(code, JPY(100), "nf-1");
    expect(await errorCodeOf(theirs.register.voidPayment(payment.id))).toBe("NOT_FOUND");
    expect(await theirs.register.payment(payment.id)).toBeNull();
    expect(await bob.phone.payment(payment.id)).toBeNull();
  });

  it("INVALID_PASSWORD for a wrong password; wrong logins delay logins, never lock the account", async () => {
    const shopper = await newShopper(server.url);
    const fresh = new PhoneClient(server.url);
    for (let i = 0; i < 5; i++) {
      const wrong = await fresh.login(shopper.phoneNumber, "wrong password").catch((e) => e);
      expect(wrong).toMatchObject({ code: "INVALID_PASSWORD", extensions: { code: "INVALID_PASSWORD" } });
      expect(Object.keys(wrong.extensions)).toEqual(["code"]); // no attemptsLeft, no lockedUntil
    }
    // The sixth login waits for its delay, even with the right password ...
    expect(await errorCodeOf(fresh.login(shopper.phoneNumber, PASSWORD))).toBe("RATE_LIMITED");
    // ... but the owner's session is not held up, and is throttled on its own.
    expect((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code).toMatch(/^\d{20}$/);
    const inSession = await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", "wrong password").catch((e) => e);
    expect(inSession).toMatchObject({ code: "INVALID_PASSWORD", extensions: { attemptsLeft: 4 } });
    expect(inSession.extensions.lockedUntil).toBeUndefined();
    expect((await shopper.phone.setCardStatus(shopper.card.id, "AVAILABLE", PASSWORD)).status).toBe("AVAILABLE");
    // The delay over, the right password logs in.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fresh.login(shopper.phoneNumber, PASSWORD)).customer.phone).toBe(shopper.phoneNumber);
  });

  it("counts parallel wrong guesses: no more than the free ones and one more get a hash", async () => {
    const shopper = await newShopper(server.url);
    const guesses = Array.from({ length: 8 }, () => errorCodeOf(new PhoneClient(server.url).login(shopper.phoneNumber, "guess 1234")));
    const codes = await Promise.all(guesses);
    expect(codes.every((c) => c === "INVALID_PASSWORD" || c === "RATE_LIMITED")).toBe(true);
    const hashed = codes.filter((c) => c === "INVALID_PASSWORD").length;
    expect(hashed).toBeGreaterThanOrEqual(5);
    expect(hashed).toBeLessThanOrEqual(6);
    expect(await errorCodeOf(new PhoneClient(server.url).login(shopper.phoneNumber, PASSWORD))).toBe("RATE_LIMITED");
  });

  it("CARD_NOT_AVAILABLE for a card not in the wallet, also after the code was issued", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", PASSWORD);
    expect(await errorCodeOf(shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD))).toBe("CARD_NOT_AVAILABLE");
    expect(await errorCodeOf(register.redeemCode(code, JPY(100), "na-1"))).toBe("CARD_NOT_AVAILABLE");
  });

  it("CODE_INVALID, CODE_EXPIRED, CODE_ALREADY_USED and AMOUNT_OVER_LIMIT on the register's path", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, 1000);
    const typo = code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10);
    expect(await errorCodeOf(register.lookupCode(typo))).toBe("CODE_INVALID");
    expect(await errorCodeOf(register.lookupCode("00000000000000000000"))).toBe("CODE_INVALID"); // well formed, unknown
    expect(await errorCodeOf(register.lookupCode("hello"))).toBe("CODE_INVALID");
    expect((await register.lookupCode(code)).maxAmount).toBe(1000);
    expect(await errorCodeOf(register.redeemCode(code, JPY(1001), "cap-1"))).toBe("AMOUNT_OVER_LIMIT");
    expect((await register.redeemCode(code, JPY(1000), "cap-2")).status).toBe("APPROVED");
    expect(await errorCodeOf(register.redeemCode(code, JPY(1000), "cap-3"))).toBe("CODE_ALREADY_USED");
    expect(await errorCodeOf(register.lookupCode(code))).toBe("CODE_ALREADY_USED");

    const late = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    clock.advance(5 * 60_000 + 1);
    expect(await errorCodeOf(register.lookupCode(late.code))).toBe("CODE_EXPIRED");
    expect(await errorCodeOf(register.redeemCode(late.code, JPY(100), "late-1"))).toBe("CODE_EXPIRED");
  });

  it("same idempotency key: the same answer, or IDEMPOTENCY_CONFLICT for another request", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const first = await register.redeemCode(code, JPY(500), "idem-1");
    expect(await register.redeemCode(code, JPY(500), "idem-1")).toEqual(first);
    expect(await errorCodeOf(register.redeemCode(code, JPY(501), "idem-1"))).toBe("IDEMPOTENCY_CONFLICT");
    // Replayed errors, racing retries and the other operations: tests/service/payments.test.ts.
  });
});

describe("rate limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      env: { RATE_LOGIN_PER_PHONE_PER_MIN: "3", RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "5" },
    });
  });
  afterAll(() => server.close());

  it("limit login attempts per phone number", async () => {
    const shopper = await newShopper(server.url); // one login already counted
    const phone = new PhoneClient(server.url);
    await phone.login(shopper.phoneNumber, PASSWORD);
    expect(await errorCodeOf(phone.login(shopper.phoneNumber, "wrong password"))).toBe("INVALID_PASSWORD");
    let limited: { code?: string; extensions?: Record<string, unknown> } = {};
    await phone.login(shopper.phoneNumber, PASSWORD).catch((e) => (limited = e));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(Number(limited.extensions?.retryAfterSeconds)).toBeGreaterThan(0);
  });

  it("count a register's wrong codes, each aliased field alone, and never its right ones", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    // Right codes cost nothing: more lookups than the limit of five wrong codes a minute.
    for (let i = 0; i < 7; i++) expect((await register.lookupCode(code)).kind).toBe("PAYMENT");
    // One request, four aliased wrong codes: four attempts against the limit.
    const wrong = (i: number) => `0000000000000000${String(i).padStart(3, "0")}0`;
    const aliases = Array.from({ length: 4 }, (_, i) => `a${i}: lookupCode(code: "${wrong(i)}") { kind }`).join("\n");
    expect(await errorCodeOf(register.request(`{ ${aliases} }`))).toBe("CODE_INVALID");
    expect(await errorCodeOf(register.redeemCode(wrong(5), JPY(100), "wrong-5"))).toBe("CODE_INVALID"); // the fifth
    let limited: { code?: string; extensions?: Record<string, unknown> } = {};
    await register.redeemCode(wrong(6), JPY(100), "wrong-6").catch((e) => (limited = e));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(Number(limited.extensions?.retryAfterSeconds)).toBeGreaterThan(0);
    // Over the limit, even a right code waits for the window to end.
    expect(await errorCodeOf(register.redeemCode(code, JPY(100), "after-limit"))).toBe("RATE_LIMITED");
    // Another register is not held up by this one.
    const other = await newRegister(server.url);
    expect((await other.register.redeemCode(code, JPY(100), "other-register")).status).toBe("APPROVED");
  });

  it("count a gate's wrong codes, answered as INVALID denials, until it is refused", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Limit Hall");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const doors = Date.now() + 3_600_000;
    const event = await shop.createEvent({
      title: "Guessing Night",
      venue: "Hall",
      doorsOpenAt: new Date(doors).toISOString(),
      startsAt: new Date(doors + 3_600_000).toISOString(),
    });
    for (let i = 0; i < 4; i++) expect(await gate.admitTicket(`T1.forged${i}`, event.id)).toMatchObject({ result: "DENIED", reason: "INVALID" });
    expect(await errorCodeOf(gate.lookupTicket("T1.forged4"))).toBe("CODE_INVALID"); // the fifth
    expect(await errorCodeOf(gate.admitTicket("T1.forged5", event.id))).toBe("RATE_LIMITED");
    expect((await shop.attendance(event.id)).admitted).toBe(0);
  });
});
