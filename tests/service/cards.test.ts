import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { newCustomer, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS, errorCodeOf } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

describe.each(engines)("cards: adding and removing a card in the wallet (%s)", (engine) => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await serviceWorld(engine);
  });
  afterAll(() => world.close());

  const cardInput = (pan: string, expiry: { month?: number; year?: number } = {}) => ({
    pan,
    expiryMonth: expiry.month ?? 12,
    expiryYear: expiry.year ?? world.clock.now().getUTCFullYear() + 2,
    holderName: "HANAKO YAMADA",
    kind: "DEBIT" as const,
    institution: "Test Bank",
  });

  it("refuses a number that fails the Luhn check, an expired card and a card already in the wallet, each naming its field", async () => {
    const shopper = await newCustomer(world);
    const refusal = async (attempt: Promise<unknown>) => {
      const error = await attempt.then(() => null, (e: { code?: string; details?: Record<string, unknown>; message: string }) => e);
      return { code: error?.code, field: error?.details?.field, message: error?.message };
    };
    expect(await refusal(world.services.cards.addCard(shopper.caller, cardInput("4242424242424241")))).toEqual({
      code: "BAD_USER_INPUT",
      field: "pan",
      message: "The card number is not valid",
    });
    const lastYear = world.clock.now().getUTCFullYear() - 1;
    expect(await refusal(world.services.cards.addCard(shopper.caller, cardInput(TEST_CARDS.jcb, { year: lastYear })))).toMatchObject({
      code: "BAD_USER_INPUT",
      message: "The card has expired",
    });
    expect(await refusal(world.services.cards.addCard(shopper.caller, cardInput(TEST_CARDS.visa)))).toEqual({
      code: "BAD_USER_INPUT",
      field: "pan",
      message: "This card is already in the wallet",
    });
    expect(await world.services.cards.cards(shopper.caller)).toHaveLength(1);
  });

  it("removes the caller's own card: no longer listed, its issued code refused at the register, past payments still showing it", async () => {
    const shopper = await newCustomer(world, TEST_CARDS.mastercard);
    const { register } = await newStore(world);
    const paid = await world.services.payments.redeemCode(
      register,
      (await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null)).code,
      JPY(300),
      `before-removal-${shopper.phoneNumber}`,
    );
    expect(paid.status).toBe("APPROVED");
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);

    const removed = await world.services.cards.removeCard(shopper.caller, shopper.card.id);
    expect(removed).toMatchObject({ id: shopper.card.id, status: "NOT_AVAILABLE" });
    expect(removed.removedAt).toBeInstanceOf(Date);
    expect(await world.services.cards.cards(shopper.caller)).toEqual([]);

    expect(await errorCodeOf(world.services.payments.redeemCode(register, code, JPY(200), `after-removal-${shopper.phoneNumber}`))).toBe("CARD_NOT_AVAILABLE");
    expect(await errorCodeOf(world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null))).toBe("NOT_FOUND");
    expect(await errorCodeOf(world.services.cards.setCardStatus(shopper.caller, shopper.card.id, "AVAILABLE", PASSWORD))).toBe("NOT_FOUND");
    expect(await errorCodeOf(world.services.cards.removeCard(shopper.caller, shopper.card.id))).toBe("NOT_FOUND");

    const history = await world.services.payments.list(shopper.caller, 10, null);
    expect(history.nodes.map((p) => [p.id, p.status, p.cardLast4])).toEqual([[paid.id, "APPROVED", "4444"]]);
  });

  it("lets the same number be added again after its removal, under a new selector", async () => {
    const shopper = await newCustomer(world, TEST_CARDS.amex);
    await world.services.cards.removeCard(shopper.caller, shopper.card.id);
    const again = await world.services.cards.addCard(shopper.caller, cardInput(TEST_CARDS.amex));
    expect(again.id).not.toBe(shopper.card.id);
    expect(again.selector).not.toBe(shopper.card.selector);
    expect((await world.services.cards.cards(shopper.caller)).map((c) => c.id)).toEqual([again.id]);
  });

  it("answers NOT_FOUND alike for a stranger's card and a missing one, and leaves the stranger's card as it was", async () => {
    const owner = await newCustomer(world);
    const stranger = await newCustomer(world);
    const strangersCard = await world.services.cards.removeCard(owner.caller, stranger.card.id).then(() => null, (e: { code: string; message: string }) => e);
    const missing = await world.services.cards.removeCard(owner.caller, "00000000-0000-7000-8000-000000000000").then(() => null, (e: { code: string; message: string }) => e);
    expect(strangersCard).toMatchObject({ code: "NOT_FOUND" });
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: strangersCard!.message });
    expect((await world.services.cards.cards(stranger.caller)).map((c) => [c.id, c.status])).toEqual([[stranger.card.id, "AVAILABLE"]]);
  });

  it("removes a card once when two removals race", async () => {
    const shopper = await newCustomer(world);
    const results = await Promise.allSettled([1, 2, 3].map(() => world.services.cards.removeCard(shopper.caller, shopper.card.id)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
  });
});
