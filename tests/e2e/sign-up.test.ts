import { PhoneClient } from "../../clients/phone";
import type { SimulatedSms } from "../../src/services/sms/simulated-sms";
import { engines } from "../support/databases";
import { productionKeys } from "../support/production";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newShopper, randomPhone } from "../support/world";

/**
 * A customer signs up on the phone: a code by SMS (the simulator's, read here), then the
 * code with a name and a password. No answer tells a stranger whether a number is
 * enrolled, codes are single-use, short-lived and few, and nothing of them reaches a log.
 */
describe.each(engines)("signing up on the phone (%s)", (engine) => {
  let server: TestServer;
  let sms: SimulatedSms;
  beforeAll(async () => {
    // Every request here comes from one address: its own limit is tested below.
    server = await startTestServer(engine, { env: { RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR: "1000" } });
    sms = server.app.sms as SimulatedSms;
  });
  afterAll(() => server.close());

  const codeSentTo = (phone: string) => /code is (\d{6})/.exec(sms.lastTo(phone)?.text ?? "")?.[1];
  /** The raw HTTP answer to startSignUp, to compare byte for byte. */
  const rawStart = async (phone: string) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "mutation ($phone: String!) { startSignUp(phone: $phone) }", variables: { phone } }),
    });
    return `${response.status} ${await response.text()}`;
  };

  it("sends a code, enrolls with it and logs in; the password then logs in too", async () => {
    const phone = randomPhone();
    const app = new PhoneClient(server.url);
    expect(await app.startSignUp(phone)).toBe(true);
    const code = codeSentTo(phone)!;
    expect(code).toMatch(/^\d{6}$/);
    const session = await app.completeSignUp({ phone, code, name: "Aiko", password: PASSWORD });
    expect(session.customer).toMatchObject({ phone, name: "Aiko" });
    expect((await app.me()).phone).toBe(phone);
    expect((await new PhoneClient(server.url).login(phone, PASSWORD)).customer.phone).toBe(phone);
    // Used once.
    expect(await errorCodeOf(new PhoneClient(server.url).completeSignUp({ phone, code, name: "Again", password: PASSWORD }))).toBe("CODE_INVALID");
    // No code, password or token in the server's log.
    expect(server.logs.text).not.toContain(code);
    expect(server.logs.text).not.toContain(session.token);
  });

  it("answers an enrolled number exactly as a new one, and sends its owner a notice instead of a code", async () => {
    const enrolled = await newShopper(server.url);
    const stranger = randomPhone();
    expect(await rawStart(enrolled.phoneNumber)).toBe(await rawStart(stranger));
    expect(sms.lastTo(enrolled.phoneNumber)?.text).toContain("already has an account");
    expect(codeSentTo(enrolled.phoneNumber)).toBeUndefined();
    for (const code of ["000000", "123456"]) {
      expect(await errorCodeOf(new PhoneClient(server.url).completeSignUp({ phone: enrolled.phoneNumber, code, name: "Thief", password: PASSWORD }))).toBe(
        "CODE_INVALID",
      );
    }
    expect((await new PhoneClient(server.url).login(enrolled.phoneNumber, PASSWORD)).customer.name).not.toBe("Thief");
  });

  it("kills a code after five wrong tries, and sends a number three codes an hour at most", async () => {
    const phone = randomPhone();
    const app = new PhoneClient(server.url);
    await app.startSignUp(phone);
    const code = codeSentTo(phone)!;
    const wrong = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 5; i++) expect(await errorCodeOf(app.completeSignUp({ phone, code: wrong, name: "Guess", password: PASSWORD }))).toBe("CODE_INVALID");
    expect(await errorCodeOf(app.completeSignUp({ phone, code, name: "Late", password: PASSWORD }))).toBe("CODE_INVALID");
    await app.startSignUp(phone);
    await app.startSignUp(phone);
    expect(await errorCodeOf(app.startSignUp(phone))).toBe("RATE_LIMITED");
  });

  it("checks at most five guesses against one code, however many race", async () => {
    const triesOf = async (phone: string) =>
      (await server.app.db.select<{ wrongTries: number }>("SELECT wrongTries FROM sign_up_codes WHERE phone = ?", [phone])).map((r) => Number(r.wrongTries));
    const guess = (phone: string, code: string) =>
      new PhoneClient(server.url).completeSignUp({ phone, code, name: "Racer", password: PASSWORD }).then(
        () => "enrolled",
        (error: { code?: string }) => error.code,
      );
    const wrongFor = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, "0");

    // 40 wrong guesses at once: five are checked, the rest are refused unchecked.
    const many = randomPhone();
    await new PhoneClient(server.url).startSignUp(many);
    const manyCode = codeSentTo(many)!;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(many, wrongFor(manyCode, i))));
    expect(answers.every((a) => a === "CODE_INVALID")).toBe(true);
    expect(await triesOf(many)).toEqual([5]);
    expect(await guess(many, manyCode)).toBe("CODE_INVALID");

    // 15 wrong and the right one last, at once: the right one enrolls only as one of the five checked.
    const racing = randomPhone();
    await new PhoneClient(server.url).startSignUp(racing);
    const code = codeSentTo(racing)!;
    const outcomes = await Promise.all([...Array.from({ length: 15 }, (_, i) => guess(racing, wrongFor(code, i))), guess(racing, code)]);
    const [tries] = await triesOf(racing);
    expect(tries).toBeLessThanOrEqual(5);
    expect(outcomes.filter((o) => o !== "CODE_INVALID")).toEqual(outcomes[15] === "enrolled" ? ["enrolled"] : []);
  });

  it("enrolls once when two phones complete with the same code at once", async () => {
    const phone = randomPhone();
    await new PhoneClient(server.url).startSignUp(phone);
    const code = codeSentTo(phone)!;
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        new PhoneClient(server.url).completeSignUp({ phone, code, name: `Racer ${i}`, password: PASSWORD }).then(
          () => "enrolled",
          (error: { code?: string }) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "enrolled")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "CODE_INVALID")).toHaveLength(3);
  });

  it("refuses bad input with BAD_USER_INPUT", async () => {
    const app = new PhoneClient(server.url);
    expect(await errorCodeOf(app.startSignUp("not a phone"))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(app.completeSignUp({ phone: randomPhone(), code: "123456", name: "", password: PASSWORD }))).toBe("BAD_USER_INPUT");
  });
});

describe("signing up from one address", () => {
  it("is limited per hour, whatever the numbers", async () => {
    const server = await startTestServer("sqlite", { env: { RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR: "3" } });
    try {
      const app = new PhoneClient(server.url);
      for (let i = 0; i < 3; i++) expect(await app.startSignUp(randomPhone())).toBe(true);
      expect(await errorCodeOf(app.startSignUp(randomPhone()))).toBe("RATE_LIMITED");
    } finally {
      await server.close();
    }
  });
});

describe("signing up on a production server without an SMS gateway", () => {
  it("is off, and says so", async () => {
    const server = await startTestServer("sqlite", { env: productionKeys() });
    try {
      expect(server.app.sms).toBeNull();
      expect(await errorCodeOf(new PhoneClient(server.url).startSignUp(randomPhone()))).toBe("FORBIDDEN");
    } finally {
      await server.close();
    }
  });
});
