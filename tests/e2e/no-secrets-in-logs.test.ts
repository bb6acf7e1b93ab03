import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, newRegister, randomPhone } from "../support/world";

/** Wraps fetch so that every response body the clients receive is kept for inspection. */
function recordResponses(): { bodies: string[]; restore: () => void } {
  const original = globalThis.fetch;
  const bodies: string[] = [];
  globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
    const response = await original(...args);
    bodies.push(await response.clone().text());
    return response;
  }) as typeof fetch;
  return { bodies, restore: () => (globalThis.fetch = original) };
}

describe.each(engines)("no card number, password, code or token in any response or log line (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { logLevel: "debug" });
  });
  afterAll(() => server.close());

  it("holds for a whole payment, with failures along the way", async () => {
    const recorded = recordResponses();
    const secrets: string[] = [ADMIN_TOKEN, PASSWORD, TEST_CARDS.visa, "4242424242424241"];
    try {
      const phoneNumber = randomPhone();
      await new AdminClient(server.url, ADMIN_TOKEN).enrollCustomer({ phone: phoneNumber, name: "Log Watcher", password: PASSWORD });
      const phone = new PhoneClient(server.url);
      await phone.login(phoneNumber, "not the password").catch(() => undefined);
      const session = await phone.login(phoneNumber, PASSWORD);
      secrets.push(session.token);
      const card = { expiryMonth: 12, expiryYear: 2035, holderName: "LOG WATCHER", kind: "CREDIT" as const, institution: "Test Card Co." };
      await phone.addCard({ ...card, pan: "4242424242424241" }).catch(() => undefined); // fails Luhn
      // A variable of the wrong type, carrying the PAN: GraphQL would echo it back.
      await phone
        .request("mutation ($input: AddCardInput!) { addCard(input: $input) { id } }", { input: { ...card, pan: TEST_CARDS.visa, expiryMonth: TEST_CARDS.visa } })
        .catch(() => undefined);
      const added = await phone.addCard({ ...card, pan: TEST_CARDS.visa });
      await phone.setCardStatus(added.id, "AVAILABLE", PASSWORD);
      const { code } = await phone.issuePaymentCode(added.id, PASSWORD, null, "none");
      secrets.push(code);
      const { register, apiKey } = await newRegister(server.url);
      secrets.push(apiKey);
      await register.lookupCode(code);
      await register.redeemCode(code, { amount: 800, currency: "JPY" }, "log-1");
      await register.redeemCode(code, { amount: 800, currency: "JPY" }, "log-2").catch(() => undefined); // already used
      await server.app.services.outbox.drain();
    } finally {
      recorded.restore();
    }

    const logs = server.logs.text;
    // The check is only worth something if the run did log its operations.
    expect(server.logs.lines.filter((line) => line.includes('"msg":"graphql"')).length).toBeGreaterThanOrEqual(10);
    const responses = recorded.bodies.join("\n");
    expect(recorded.bodies.length).toBeGreaterThanOrEqual(10);
    for (const secret of secrets) {
      expect(logs.includes(secret)).toBe(false);
      // A token appears once, in the login response that hands it over; never elsewhere.
      const allowed = secret.startsWith("wcs_") || secret.startsWith("wck_") || /^\d{20}$/.test(secret) ? 1 : 0;
      expect(responses.split(secret).length - 1).toBeLessThanOrEqual(allowed);
    }
    for (const pan of [TEST_CARDS.visa, "4242424242424241"]) expect(responses.includes(pan)).toBe(false);
  });
});
