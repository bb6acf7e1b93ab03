import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper } from "../support/world";

/**
 * A customer takes a card out of the wallet through the phone's client: the code issued
 * for it is refused at the register, the history still shows the payment made with it,
 * and another customer's card is answered as a missing one.
 */
describe.each(engines)("removing a card from the phone (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it("removes the card; its code stops working at the register; history keeps the payment", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.jcb);
    const { register } = await newRegister(server.url);
    const paid = await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount: 400, currency: "JPY" }, "rc-paid");
    expect(paid.status).toBe("APPROVED");
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);

    expect(await shopper.phone.removeCard(shopper.card.id)).toMatchObject({ id: shopper.card.id, last4: "0000", status: "NOT_AVAILABLE" });
    expect(await shopper.phone.cards()).toEqual([]);
    expect(await errorCodeOf(register.redeemCode(code, { amount: 400, currency: "JPY" }, "rc-after"))).toBe("CARD_NOT_AVAILABLE");
    const history = await shopper.phone.payments(10);
    expect(history.nodes.map((p) => [p.id, p.status, p.card.last4])).toEqual([[paid.id, "APPROVED", "0000"]]);
  });

  it("answers NOT_FOUND for another customer's card, which stays in its owner's wallet", async () => {
    const owner = await newShopper(server.url);
    const stranger = await newShopper(server.url);
    expect(await errorCodeOf(owner.phone.removeCard(stranger.card.id))).toBe("NOT_FOUND");
    expect(await errorCodeOf(owner.phone.removeCard("no-such-card"))).toBe("NOT_FOUND");
    expect((await stranger.phone.cards()).map((c) => c.id)).toEqual([stranger.card.id]);
  });
});
