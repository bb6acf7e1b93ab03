import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { listen, newCustomer, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

/** What may change between the register's request and the phone's answer, and who wins a race. */
describe.each(engines)("while the phone is being asked (%s)", (engine) => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await serviceWorld(engine);
  });
  afterAll(() => world.close());

  async function waitingSale(key: string) {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const payment = await world.services.payments.requestPayment(register, shopper.phoneNumber, shopper.card.selector, JPY(1200), key);
    expect(payment.status).toBe("PENDING_CONFIRMATION");
    const [{ request }] = await world.services.confirmations.pending(shopper.caller);
    const respond = (approve: boolean) => world.services.payments.respondToConfirmation(shopper.caller, request.id, approve, PASSWORD);
    const voidIt = (key?: string) => world.services.payments.voidPayment(register, payment.id, key);
    const statusNow = async () => (await world.services.payments.get(register, payment.id))?.status;
    return { shopper, payment, respond, voidIt, statusNow };
  }

  it("refuses an approval once the card was switched off, charges nothing, and keeps the request open", async () => {
    const { shopper, payment, respond, statusNow } = await waitingSale("card-off");
    await world.services.cards.setCardStatus(shopper.caller, shopper.card.id, "NOT_AVAILABLE", PASSWORD);
    expect(await errorCodeOf(respond(true))).toBe("CARD_NOT_AVAILABLE");
    expect(await statusNow()).toBe("PENDING_CONFIRMATION");
    expect(world.institution.authorizations.has(payment.id)).toBe(false);

    // Switched back on, the same request can still be approved.
    await world.services.cards.setCardStatus(shopper.caller, shopper.card.id, "AVAILABLE", PASSWORD);
    expect((await respond(true)).status).toBe("APPROVED");
  });

  it("lets the register cancel a sale that waits for the phone: VOIDED, no institution call, the phone told at once", async () => {
    const { shopper, payment, respond, voidIt } = await waitingSale("cancel-1");
    const phoneUpdates = listen(world.services.live.paymentUpdates(shopper.caller));
    try {
      const voided = await voidIt("void-cancel-1");
      expect(voided).toMatchObject({ id: payment.id, status: "VOIDED", approvalNumber: null });
      await phoneUpdates.settled();
      expect(phoneUpdates.received).toEqual([expect.objectContaining({ id: payment.id, status: "VOIDED" })]);
      expect(await world.services.confirmations.pending(shopper.caller)).toEqual([]);
      expect(world.institution.authorizations.has(payment.id)).toBe(false);
      expect(world.institution.reversals.has(payment.id)).toBe(false);

      // A phone answer that arrives after the cancel is refused, and says why.
      await expect(respond(true)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringContaining("cancelled"), details: { status: "VOIDED" } });
      // The same void again (same key, or none) answers the same.
      expect((await voidIt("void-cancel-1")).status).toBe("VOIDED");
      expect((await voidIt()).status).toBe("VOIDED");
    } finally {
      await phoneUpdates.close();
    }
  });

  it("decides a void racing an approval once: either cancelled with nothing charged, or charged and the void refused or reversed", async () => {
    const rounds = 12;
    const outcomes = { cancelled: 0, charged: 0 };
    for (let round = 0; round < rounds; round++) {
      const { payment, respond, voidIt, statusNow } = await waitingSale(`race-${round}`);
      const [approve, cancel] = await Promise.allSettled([
        respond(true),
        // Spread the void over the approval's own time (password hash, then the decision).
        new Promise((resolve) => setTimeout(resolve, (round * 2) % 24)).then(() => voidIt()),
      ]);
      const final = await statusNow();
      if (approve.status === "rejected") {
        // The void won: nothing was asked of the institution.
        expect(cancel.status).toBe("fulfilled");
        expect(final).toBe("VOIDED");
        expect(world.institution.authorizations.has(payment.id)).toBe(false);
        outcomes.cancelled++;
      } else {
        // The approval won: the void came too late for the waiting sale. Either it was
        // refused (the payment was being decided), or it voided the approved payment the
        // usual way, with its authorization reversed.
        expect(approve.value.status).toBe("APPROVED");
        expect(world.institution.authorizations.has(payment.id)).toBe(true);
        if (cancel.status === "fulfilled") {
          expect(final).toBe("VOIDED");
          await world.services.outbox.drain();
          expect(world.institution.reversals.has(payment.id)).toBe(true);
        } else {
          expect(final).toBe("APPROVED");
        }
        outcomes.charged++;
      }
      await errorCodeOf(respond(false)); // the request is closed either way
    }
    expect(outcomes.cancelled + outcomes.charged).toBe(rounds);
  });
});
