import { CardEntity, CustomerEntity, SessionEntity, WalletCodeEntity } from "../../src/entities";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, newShopper } from "../support/world";

describe.each(engines)("what the database holds (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it("keeps the card number only encrypted, and passwords, sessions and codes only hashed", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.jcb);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const m = server.app.dataSource.manager;
    const everything = JSON.stringify([
      await m.find(CardEntity),
      await m.find(CustomerEntity),
      await m.find(SessionEntity),
      await m.find(WalletCodeEntity),
    ]);
    for (const secret of [TEST_CARDS.jcb, PASSWORD, shopper.phone.token!, code]) expect(everything.includes(secret)).toBe(false);

    const row = await m.findOneByOrFail(CardEntity, { id: shopper.card.id });
    expect(row).toMatchObject({ brand: "JCB", last4: "0000", expiryMonth: 12 });
    // The server's own key opens it; that is the only way back to the number.
    expect(server.app.services.cards.decryptPan(row)).toBe(TEST_CARDS.jcb);
  });
});
