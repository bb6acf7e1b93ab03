import { ManualClock } from "../../src/clock";
import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import { engines } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper, randomPhone } from "../support/world";

const sale = { amount: 700, currency: "JPY" };

/**
 * A card past its expiry month: shown NOT_AVAILABLE (and `expired`), refused for a new
 * code, at the register for a code issued before, by phone number, and for switching it
 * on; the renewed card's expiry brings it back with the status it had.
 */
describe.each(engines)("card expiry through the phone (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2027-06-20T09:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock });
  });
  afterAll(() => server.close());

  async function shopperWithCardExpiring(month: number, year: number) {
    const phoneNumber = randomPhone();
    await new AdminClient(server.url, ADMIN_TOKEN).enrollCustomer({ phone: phoneNumber, name: "Hanako Yamada", password: PASSWORD });
    const phone = new PhoneClient(server.url);
    await phone.login(phoneNumber, PASSWORD);
    const added = await phone.addCard({ pan: TEST_CARDS.jcb, expiryMonth: month, expiryYear: year, holderName: "HANAKO YAMADA", kind: "CREDIT", institution: "Test Card Co." });
    const card = await phone.setCardStatus(added.id, "AVAILABLE", PASSWORD);
    return { phone, phoneNumber, card };
  }

  it("stops a card at the end of its expiry month, everywhere, and brings it back with its new expiry", async () => {
    clock.set(new Date("2027-06-30T23:58:00Z"));
    const { phone, phoneNumber, card } = await shopperWithCardExpiring(6, 2027);
    const { register } = await newRegister(server.url);
    expect(card).toMatchObject({ status: "AVAILABLE", expired: false });
    const issuedBefore = await phone.issuePaymentCode(card.id, PASSWORD);

    clock.set(new Date("2027-07-01T00:00:30Z"));
    expect(await phone.cards()).toEqual([expect.objectContaining({ id: card.id, status: "NOT_AVAILABLE", expired: true })]);
    expect(await errorCodeOf(register.redeemCode(issuedBefore.code, sale, "ce-before"))).toBe("CARD_NOT_AVAILABLE");
    expect(await errorCodeOf(phone.issuePaymentCode(card.id, PASSWORD))).toBe("CARD_NOT_AVAILABLE");
    expect(await errorCodeOf(phone.setCardStatus(card.id, "AVAILABLE", PASSWORD))).toBe("CARD_NOT_AVAILABLE");
    expect(await errorCodeOf(register.requestPayment(phoneNumber, card.selector, sale, "ce-request"))).toBe("NOT_FOUND");

    expect(await errorCodeOf(phone.updateCardExpiry(card.id, 6, 2027))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(phone.updateCardExpiry(card.id, 13, 2033))).toBe("BAD_USER_INPUT");
    const renewed = await phone.updateCardExpiry(card.id, 6, 2035);
    expect(renewed).toMatchObject({ id: card.id, expiryMonth: 6, expiryYear: 2035, status: "AVAILABLE", expired: false });
    expect((await phone.cards())[0]).toMatchObject({ expiryMonth: 6, expiryYear: 2035, status: "AVAILABLE", expired: false });
    const paid = await register.redeemCode((await phone.issuePaymentCode(card.id, PASSWORD)).code, sale, "ce-after");
    expect(paid).toMatchObject({ status: "APPROVED", amount: 700 });
  });

  it("keeps a card the customer had switched off switched off after its new expiry", async () => {
    clock.set(new Date("2027-08-10T10:00:00Z"));
    const { phone, card } = await shopperWithCardExpiring(8, 2027);
    await phone.setCardStatus(card.id, "NOT_AVAILABLE", PASSWORD);
    clock.set(new Date("2027-09-01T00:00:00Z"));
    expect((await phone.cards())[0]).toMatchObject({ status: "NOT_AVAILABLE", expired: true });
    expect(await phone.updateCardExpiry(card.id, 9, 2034)).toMatchObject({ status: "NOT_AVAILABLE", expired: false });
  });

  it("answers NOT_FOUND for another customer's card and for a removed one", async () => {
    clock.set(new Date("2027-10-05T10:00:00Z"));
    const owner = await newShopper(server.url);
    const stranger = await newShopper(server.url);
    expect(await errorCodeOf(owner.phone.updateCardExpiry(stranger.card.id, 1, 2034))).toBe("NOT_FOUND");
    expect((await stranger.phone.cards())[0]).toMatchObject({ expiryYear: stranger.card.expiryYear });
    await owner.phone.removeCard(owner.card.id);
    expect(await errorCodeOf(owner.phone.updateCardExpiry(owner.card.id, 1, 2034))).toBe("NOT_FOUND");
  });
});
