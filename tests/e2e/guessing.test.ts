import { randomInt } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import type { ServerProcess } from "../../scripts/server-process";
import { FREE_FAILURES_PER_PHONE_EVERYWHERE } from "../../src/services/kernel/guess-throttle";
import { HASHES_IN_FLIGHT } from "../../src/services/crypto/password";
import { eventually } from "../support/eventually";
import { engines } from "../support/databases";
import { mysqlAndRedis, startInstances, type Instances } from "../support/production";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper, randomPhone } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });
const WRONG = "not the password";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client address of its own for each test (the servers trust X-Forwarded-For), so no test inherits another's failures. */
const randomAddress = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

interface Answer {
  status: number;
  body: string;
  code: string;
  extensions: Record<string, unknown>;
}

/** One GraphQL request over plain HTTP; the raw body, for byte-for-byte comparisons. */
async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  const extensions = JSON.parse(body).errors?.[0]?.extensions ?? {};
  return { status: response.status, body, code: String(extensions.code ?? "OK"), extensions };
}

const LOGIN = "mutation ($phone: String!, $password: String!) { login(phone: $phone, password: $password) { token } }";
const login = (url: string, phone: string, password: string, address: string) =>
  post(url, LOGIN, { phone, password }, { "x-forwarded-for": address });

describe.each(engines)("guessing a password (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // The per-minute window per phone number is opened wide: what is tested here is the throttle.
    server = await startTestServer(engine, { env: { TRUST_PROXY: "1", RATE_LOGIN_PER_PHONE_PER_MIN: "100" } });
  });
  afterAll(() => server.close());

  it("login answers an unknown phone number and a wrong password with the same body", async () => {
    const known = await newShopper(server.url);
    const address = randomAddress();
    const wrongPassword = await login(server.url, known.phoneNumber, WRONG, address);
    const unknownPhone = await login(server.url, randomPhone(), WRONG, address);
    expect(wrongPassword.code).toBe("INVALID_PASSWORD");
    expect(wrongPassword.extensions).toEqual({ code: "INVALID_PASSWORD" }); // no attemptsLeft, no lockedUntil
    expect(unknownPhone.body).toBe(wrongPassword.body);
    expect(unknownPhone.status).toBe(wrongPassword.status);
  });

  it("throttles an enrolled and an unknown phone number alike, to the byte", async () => {
    const known = await newShopper(server.url);
    const unknown = randomPhone();
    const [knownFrom, unknownFrom] = [randomAddress(), randomAddress()];
    const both = (password: string) =>
      Promise.all([login(server.url, known.phoneNumber, password, knownFrom), login(server.url, unknown, password, unknownFrom)]);
    for (let i = 0; i < 5; i++) {
      const [a, b] = await both(WRONG);
      expect([a.code, b.code]).toEqual(["INVALID_PASSWORD", "INVALID_PASSWORD"]);
      expect(a.body).toBe(b.body);
    }
    const [a, b] = await both(PASSWORD);
    expect(a.code).toBe("RATE_LIMITED");
    expect(a.extensions.retryAfterSeconds).toBe(1);
    expect(b.body).toBe(a.body);
  });

  it("refuses during a delay without hashing (even the right password), and the delay doubles", async () => {
    const shopper = await newShopper(server.url);
    const address = randomAddress();
    for (let i = 0; i < 5; i++) expect((await login(server.url, shopper.phoneNumber, WRONG, address)).code).toBe("INVALID_PASSWORD");
    const first = await login(server.url, shopper.phoneNumber, PASSWORD, address);
    expect(first).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 1 } });

    await sleep(1100);
    expect((await login(server.url, shopper.phoneNumber, WRONG, address)).code).toBe("INVALID_PASSWORD");
    const second = await login(server.url, shopper.phoneNumber, PASSWORD, address);
    expect(second).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 2 } });

    // Once the delay is over the right password logs in, and that ends the run: free failures again.
    await sleep(2100);
    expect((await login(server.url, shopper.phoneNumber, PASSWORD, address)).code).toBe("OK");
    for (let i = 0; i < 5; i++) expect((await login(server.url, shopper.phoneNumber, WRONG, address)).code).toBe("INVALID_PASSWORD");
    expect((await login(server.url, shopper.phoneNumber, WRONG, address)).code).toBe("RATE_LIMITED");
  });

  it("lets the owner pay from a session while a stranger hammers login for the owner's number", async () => {
    const victim = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const stranger = randomAddress();
    const hammering = Promise.all(Array.from({ length: 30 }, () => login(server.url, victim.phoneNumber, WRONG, stranger)));
    const paying = (async () => {
      const { code } = await victim.phone.issuePaymentCode(victim.card.id, PASSWORD);
      return register.redeemCode(code, JPY(1500), `hammered-${randomInt(1e9)}`);
    })();
    const [answers, payment] = await Promise.all([hammering, paying]);
    expect(payment.status).toBe("APPROVED");
    expect(answers.every((a) => a.code === "INVALID_PASSWORD" || a.code === "RATE_LIMITED")).toBe(true);
    // Five free failures and one through the gate at most: every other guess was refused
    // unhashed, told how long the number's logins from the stranger's address now wait.
    expect(answers.filter((a) => a.code === "INVALID_PASSWORD").length).toBeLessThanOrEqual(6);
    const waits = answers.filter((a) => a.code === "RATE_LIMITED").map((a) => Number(a.extensions.retryAfterSeconds));
    expect(waits.length).toBeGreaterThanOrEqual(24);
    expect(waits.every((seconds) => seconds >= 1)).toBe(true);

    // From elsewhere, and the session's password checks, the number does not wait.
    expect((await login(server.url, victim.phoneNumber, PASSWORD, randomAddress())).code).toBe("OK");
    const again = await victim.phone.issuePaymentCode(victim.card.id, PASSWORD);
    expect((await register.redeemCode(again.code, JPY(800), `hammered-${randomInt(1e9)}`)).status).toBe("APPROVED");
  });

  it("throttles one address guessing many phone numbers after 20 free failures", async () => {
    const address = randomAddress();
    for (let i = 0; i < 20; i++) expect((await login(server.url, randomPhone(), WRONG, address)).code).toBe("INVALID_PASSWORD");
    const fresh = randomPhone();
    expect(await login(server.url, fresh, WRONG, address)).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 1 } });
    const shopper = await newShopper(server.url);
    expect((await login(server.url, shopper.phoneNumber, PASSWORD, address)).code).toBe("RATE_LIMITED");
    // The same numbers from another address are not held up: it is the address that waits.
    expect((await login(server.url, fresh, WRONG, randomAddress())).code).toBe("INVALID_PASSWORD");
    expect((await login(server.url, shopper.phoneNumber, PASSWORD, randomAddress())).code).toBe("OK");
  });

  it("throttles wrong passwords inside a session per session; another session of the customer is not affected", async () => {
    const shopper = await newShopper(server.url);
    const other = new PhoneClient(server.url);
    await other.login(shopper.phoneNumber, PASSWORD);
    for (let left = 4; left >= 0; left--) {
      const wrong = await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", WRONG).catch((e) => e);
      expect(wrong).toMatchObject({ code: "INVALID_PASSWORD", message: "The password is wrong", extensions: { attemptsLeft: left } });
    }
    const refused = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD).catch((e) => e);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 1 } });

    expect((await other.issuePaymentCode(shopper.card.id, PASSWORD)).code).toMatch(/^\d{20}$/);
    const otherWrong = await other.issuePaymentCode(shopper.card.id, WRONG).catch((e) => e);
    expect(otherWrong).toMatchObject({ code: "INVALID_PASSWORD", extensions: { attemptsLeft: 4 } });
    // Logging in is not what this session's guesses slow down.
    expect((await login(server.url, shopper.phoneNumber, PASSWORD, randomAddress())).code).toBe("OK");

    await sleep(1100);
    expect((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code).toMatch(/^\d{20}$/);
    const afterRight = await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", WRONG).catch((e) => e);
    expect(afterRight).toMatchObject({ code: "INVALID_PASSWORD", extensions: { attemptsLeft: 4 } });
  });
});

describe.each(engines)("strangers guessing the owner's number (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // The per-minute windows as operators have them, but for the one address every test here shares.
    server = await startTestServer(engine, { env: { TRUST_PROXY: "1" } });
  });
  afterAll(() => server.close());

  it("never refuse the owner on the owner's own address, and hold each stranger's address", async () => {
    const victim = await newShopper(server.url);
    const home = randomAddress();
    const stranger = randomAddress();
    const fromStranger: Answer[] = [];
    for (let round = 0; round < 3; round++) {
      // Ten wrong passwords from ten addresses and ten from one, all at once, as a round of the attack.
      const attack = await Promise.all([
        ...Array.from({ length: 10 }, () => login(server.url, victim.phoneNumber, WRONG, randomAddress())),
        ...Array.from({ length: 10 }, () => login(server.url, victim.phoneNumber, WRONG, stranger)),
      ]);
      fromStranger.push(...attack.slice(10));
      expect(attack.every((a) => a.code === "INVALID_PASSWORD" || a.code === "RATE_LIMITED")).toBe(true);
      expect((await login(server.url, victim.phoneNumber, PASSWORD, home)).code).toBe("OK");
    }
    // The stranger's own address got its five free guesses and one past them, at most.
    expect(fromStranger.filter((a) => a.code === "INVALID_PASSWORD").length).toBeLessThanOrEqual(6);
    expect((await login(server.url, victim.phoneNumber, PASSWORD, stranger)).code).toBe("RATE_LIMITED");
  });

  it("hold a number guessed from many addresses at a ceiling, which the owner's known address passes", async () => {
    const victim = await newShopper(server.url);
    const home = randomAddress();
    expect((await login(server.url, victim.phoneNumber, PASSWORD, home)).code).toBe("OK");
    for (let batch = 0; batch < FREE_FAILURES_PER_PHONE_EVERYWHERE / 10; batch++) {
      const wrong = await Promise.all(Array.from({ length: 10 }, () => login(server.url, victim.phoneNumber, WRONG, randomAddress())));
      expect(wrong.map((a) => a.code)).toEqual(Array(10).fill("INVALID_PASSWORD"));
    }
    // Past the ceiling a new address waits, even with the right password; the owner's address does not.
    expect(await login(server.url, victim.phoneNumber, PASSWORD, randomAddress())).toMatchObject({ code: "RATE_LIMITED" });
    expect((await login(server.url, victim.phoneNumber, PASSWORD, home)).code).toBe("OK");
  });
});

describe.each(engines)("one address's burst of logins and everyone else's password checks (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // A dear hash, so that hashing is what takes the time.
    server = await startTestServer(engine, { env: { TRUST_PROXY: "1", PASSWORD_HASH_COST: "14" } });
  });
  afterAll(() => server.close());

  it("delay another customer's payment code by a hash or two, not by the burst", async () => {
    const shopper = await newShopper(server.url);
    const burstFrom = randomAddress();
    /** The burst's logins answered after a hash. */
    let hashedSoFar = 0;
    const burst = Array.from({ length: 40 }, () =>
      login(server.url, randomPhone(), WRONG, burstFrom).then((answer) => {
        if (answer.code === "INVALID_PASSWORD") hashedSoFar++;
        return answer;
      }),
    );
    // Once the burst is hashing, another customer asks for a payment code with the password.
    expect(await eventually(() => hashedSoFar > 0)).toBe(true);
    const before = hashedSoFar;
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const during = hashedSoFar - before;
    const answers = await Promise.all(burst);
    expect(code).toMatch(/^\d{20}$/);
    const hashed = answers.filter((a) => a.code === "INVALID_PASSWORD").length;
    // Twenty free failures for the address and one through its gate were hashed; the rest were refused unhashed.
    expect(hashed).toBeLessThanOrEqual(21);
    expect(answers.every((a) => a.code === "INVALID_PASSWORD" || a.code === "RATE_LIMITED")).toBe(true);
    // Served fairly: the payment code waited for the hashes in flight, not for the burst's queue.
    expect(during).toBeLessThanOrEqual(2 * HASHES_IN_FLIGHT + 1);
    expect(hashed - before).toBeGreaterThan(2 * HASHES_IN_FLIGHT + 1);
  });
});

describe.each(engines)("wrong codes racing at one terminal (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: "5" } });
  });
  afterAll(() => server.close());
  const outcome = (call: Promise<unknown>) =>
    call.then(
      (answer) => (answer as { reason?: string }).reason ?? "OK",
      (error: { code?: string }) => error.code,
    );

  it("check at most the limit of a register's wrong codes, however many race; right codes still cost nothing", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    for (let i = 0; i < 7; i++) expect(await outcome(register.lookupCode(code))).toBe("OK");
    const wrong = (i: number) => `0000000000000000${String(i).padStart(3, "0")}0`;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(register.lookupCode(wrong(i)))));
    expect(answers.filter((a) => a === "CODE_INVALID")).toHaveLength(5);
    expect(answers.filter((a) => a === "RATE_LIMITED")).toHaveLength(15);
  });

  it("check at most the limit of a gate's forged tickets, however many race", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Racing Hall");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gate = new GateClient(server.url, (await admin.issueApiKey("GATE", partner.id)).key);
    const doors = Date.now() + 3_600_000;
    const event = await shop.createEvent({
      title: "Forgery Night",
      venue: "Hall",
      doorsOpenAt: new Date(doors).toISOString(),
      startsAt: new Date(doors + 3_600_000).toISOString(),
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(gate.admitTicket(`T1.forged${i}`, event.id))));
    expect(answers.filter((a) => a === "INVALID")).toHaveLength(5);
    expect(answers.filter((a) => a === "RATE_LIMITED")).toHaveLength(15);
  });
});

const REQUEST_PAYMENT = `mutation ($phone: String!, $selector: String!, $key: String!) {
  requestPayment(phone: $phone, cardSelector: $selector, sale: { amount: 500, currency: "JPY" }, idempotencyKey: $key) { id status } }`;

describe.each(engines)("requestPayment tells a register nothing it did not know (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  const requestPayment = (apiKey: string, phone: string, selector: string) =>
    post(server.url, REQUEST_PAYMENT, { phone, selector, key: `rp-${randomInt(1e12)}` }, { authorization: `Bearer ${apiKey}` });

  it("answers an unknown phone number and an unknown card selector with the same body", async () => {
    const shopper = await newShopper(server.url);
    const { apiKey } = await newRegister(server.url);
    const unknownPhone = await requestPayment(apiKey, randomPhone(), shopper.card.selector);
    const unknownSelector = await requestPayment(apiKey, shopper.phoneNumber, "9");
    expect(unknownPhone.code).toBe("NOT_FOUND");
    expect(unknownSelector.body).toBe(unknownPhone.body);
    expect((await requestPayment(apiKey, shopper.phoneNumber, shopper.card.selector)).code).toBe("OK");
  });

  it("answers an enrolled number whose card is not in the wallet as it answers an unknown number", async () => {
    const shopper = await newShopper(server.url);
    const { apiKey } = await newRegister(server.url);
    await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", PASSWORD);
    const notAvailable = await requestPayment(apiKey, shopper.phoneNumber, shopper.card.selector);
    const unknownPhone = await requestPayment(apiKey, randomPhone(), shopper.card.selector);
    expect(unknownPhone.code).toBe("NOT_FOUND");
    expect(notAvailable.body).toBe(unknownPhone.body);
    // Nothing waits for the phone.
    expect(await shopper.phone.pendingConfirmations()).toEqual([]);
  });

  it("lets one register push to one phone number 10 times a minute, enrolled or not", async () => {
    const shopper = await newShopper(server.url);
    const neighbour = await newShopper(server.url);
    const { apiKey } = await newRegister(server.url);
    const unknown = randomPhone();
    for (let i = 0; i < 10; i++) {
      expect((await requestPayment(apiKey, shopper.phoneNumber, shopper.card.selector)).code).toBe("OK");
      expect((await requestPayment(apiKey, unknown, "1")).code).toBe("NOT_FOUND");
    }
    const limited = await requestPayment(apiKey, shopper.phoneNumber, shopper.card.selector);
    expect(limited).toMatchObject({ code: "RATE_LIMITED", extensions: { code: "RATE_LIMITED" } });
    expect(Number(limited.extensions.retryAfterSeconds)).toBeGreaterThan(0);
    expect((await requestPayment(apiKey, unknown, "1")).code).toBe("RATE_LIMITED");
    // Another phone from the same register, and the same phone from another register, are served.
    expect((await requestPayment(apiKey, neighbour.phoneNumber, neighbour.card.selector)).code).toBe("OK");
    const other = await newRegister(server.url);
    expect((await requestPayment(other.apiKey, shopper.phoneNumber, shopper.card.selector)).code).toBe("OK");
  });
});

const describeIf = mysqlAndRedis ? describe : describe.skip;

describeIf("guessing across two production server processes on one MySQL and one Redis", () => {
  let instances: Instances;
  let servers: ServerProcess[];

  beforeAll(async () => {
    instances = await startInstances(2, { TRUST_PROXY: "1" });
    servers = instances.servers;
  });

  afterAll(async () => {
    expect(await instances.stop()).toEqual([0, 0]);
  });

  it("share the login throttle: five failures on one make the other wait, alike for an enrolled and an unknown number", async () => {
    const [first, second] = servers;
    const known = await newShopper(first.url);
    const unknown = randomPhone();
    const address = randomAddress();
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([login(first.url, known.phoneNumber, WRONG, address), login(first.url, unknown, WRONG, address)]);
      expect(a.code).toBe("INVALID_PASSWORD");
      expect(b.body).toBe(a.body);
    }
    const [a, b] = await Promise.all([login(second.url, known.phoneNumber, PASSWORD, address), login(second.url, unknown, PASSWORD, address)]);
    expect(a).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 1 } });
    expect(b.body).toBe(a.body);
    // The owner's session pays meanwhile, on either instance.
    expect((await new PhoneClient(second.url, known.phone.token!).issuePaymentCode(known.card.id, PASSWORD)).code).toMatch(/^\d{20}$/);
  });

  it("share the session throttle", async () => {
    const [first, second] = servers;
    const shopper = await newShopper(first.url);
    for (let i = 0; i < 5; i++) expect(await errorCodeOf(shopper.phone.issuePaymentCode(shopper.card.id, WRONG))).toBe("INVALID_PASSWORD");
    const onSecond = new PhoneClient(second.url, shopper.phone.token!);
    expect(await errorCodeOf(onSecond.issuePaymentCode(shopper.card.id, PASSWORD))).toBe("RATE_LIMITED");
  });
});
