import { randomBytes } from "node:crypto";
import { RegisterClient } from "../../clients/register";
import { PhoneClient } from "../../clients/phone";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });
const newKey = () => randomBytes(32).toString("hex");

/**
 * The number a register sees for a customer is the same at one store and different at
 * another, so stores cannot link a customer's purchases; and rotating any other key
 * leaves it as it was.
 */
describe.each(engines)("the customer number (%s)", (engine) => {
  describe("on one server", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(() => server.close());

    it("is stable within one store, differs between stores, and is not the same for two customers", async () => {
      const alice = await newShopper(server.url);
      const bob = await newShopper(server.url);
      const shibuya = await newRegister(server.url, "JPY", "Shibuya");
      const ebisu = await newRegister(server.url, "JPY", "Ebisu");
      const pay = async (who: typeof alice, at: typeof shibuya, key: string) =>
        (await at.register.redeemCode((await who.phone.issuePaymentCode(who.card.id, PASSWORD)).code, JPY(100), key)).customerNumber;

      const atShibuya = [await pay(alice, shibuya, "a1"), await pay(alice, shibuya, "a2")];
      const atEbisu = await pay(alice, ebisu, "a3");
      expect(atShibuya[0]).toMatch(/^\d{10}$/);
      expect(atShibuya[1]).toBe(atShibuya[0]);
      expect(atEbisu).toMatch(/^\d{10}$/);
      expect(atEbisu).not.toBe(atShibuya[0]);
      expect(await pay(bob, shibuya, "b1")).not.toBe(atShibuya[0]);
      // The store's own list, and the customer's, show each payment's own store's number.
      expect((await shibuya.register.payments()).nodes.map((p) => p.customerNumber)).toEqual([expect.any(String), atShibuya[0], atShibuya[0]]);
      const seenByPhone = (await alice.phone.payments()).nodes.map((p) => [p.storeName, p.customerNumber]);
      expect(seenByPhone).toEqual([["Ebisu", atEbisu], ["Shibuya", atShibuya[0]], ["Shibuya", atShibuya[0]]]);
    });
  });

  describe("across restarts with keys rotated", () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(engine);
    });
    afterAll(() => database.drop());

    /** What a register sees for the same customer at the same store, on a server started with `env`. */
    async function numberWith(env: Record<string, string>, world: { phoneToken?: string; cardId?: string; registerKey?: string }) {
      const server = await startTestServer(engine, { database, env });
      try {
        if (!world.phoneToken) {
          const shopper = await newShopper(server.url);
          const { apiKey } = await newRegister(server.url);
          Object.assign(world, { phoneToken: shopper.phone.token, cardId: shopper.card.id, registerKey: apiKey });
        }
        const phone = new PhoneClient(server.url, world.phoneToken);
        const register = new RegisterClient(server.url, world.registerKey!);
        const { code } = await phone.issuePaymentCode(world.cardId!, PASSWORD);
        return (await register.redeemCode(code, JPY(100), `k-${randomBytes(6).toString("hex")}`)).customerNumber;
      } finally {
        await server.close();
      }
    }

    it("stays when CARD_KEY, CODE_HASH_KEY, CARD_FINGERPRINT_KEY and WEBHOOK_SECRET_KEY rotate; only its own key changes it", async () => {
      const world = {};
      const customerNumberKey = newKey();
      const first = { CUSTOMER_NUMBER_KEY: customerNumberKey, CARD_KEY: newKey(), CODE_HASH_KEY: newKey(), CARD_FINGERPRINT_KEY: newKey(), WEBHOOK_SECRET_KEY: newKey() };
      const before = await numberWith(first, world);
      expect(before).toMatch(/^\d{10}$/);
      const rotated = {
        CUSTOMER_NUMBER_KEY: customerNumberKey,
        CARD_KEY: newKey(),
        CARD_KEYS_PREVIOUS: first.CARD_KEY,
        CODE_HASH_KEY: newKey(),
        CODE_HASH_KEYS_PREVIOUS: first.CODE_HASH_KEY,
        CARD_FINGERPRINT_KEY: newKey(),
        CARD_FINGERPRINT_KEYS_PREVIOUS: first.CARD_FINGERPRINT_KEY,
        WEBHOOK_SECRET_KEY: newKey(),
        WEBHOOK_SECRET_KEYS_PREVIOUS: first.WEBHOOK_SECRET_KEY,
      };
      expect(await numberWith(rotated, world)).toBe(before);
      // A keyed hash: without the key, nobody (a store with the ids) can work it out.
      expect(await numberWith({ ...rotated, CUSTOMER_NUMBER_KEY: newKey() }, world)).not.toBe(before);
    });
  });
});

