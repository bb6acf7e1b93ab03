import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });

/** What may change between the register's request and the phone's answer, and who wins a race. */
describe.each(engines)("while the phone is being asked (%s)", (engine) => {
  let server: TestServer;
  const institution = new SimulatedInstitution(5);
  beforeAll(async () => {
    server = await startTestServer(engine, { institution });
  });
  afterAll(() => server.close());

  async function waitingSale(key: string) {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const payment = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, JPY(1200), key);
    expect(payment.status).toBe("PENDING_CONFIRMATION");
    const [request] = await shopper.phone.pendingConfirmations();
    return { shopper, register, payment, request };
  }

  it("refuses an approval once the card was switched off, charges nothing, and keeps the request open", async () => {
    const { shopper, register, payment, request } = await waitingSale("card-off");
    await shopper.phone.setCardStatus(shopper.card.id, "NOT_AVAILABLE", PASSWORD);
    expect(await errorCodeOf(shopper.phone.respondToConfirmation(request.id, true, PASSWORD))).toBe("CARD_NOT_AVAILABLE");
    expect((await register.payment(payment.id))?.status).toBe("PENDING_CONFIRMATION");
    expect(institution.authorizations.has(payment.id)).toBe(false);

    // Switched back on, the same request can still be approved.
    await shopper.phone.setCardStatus(shopper.card.id, "AVAILABLE", PASSWORD);
    expect((await shopper.phone.respondToConfirmation(request.id, true, PASSWORD)).status).toBe("APPROVED");
  });

  it("lets the register cancel a sale that waits for the phone: VOIDED, no institution call, the phone told at once", async () => {
    const { shopper, register, payment, request } = await waitingSale("cancel-1");
    const phoneUpdates = shopper.phone.paymentUpdates();
    await phoneUpdates.ready;
    try {
      const voided = await register.voidPayment(payment.id, "void-cancel-1");
      expect(voided).toMatchObject({ id: payment.id, status: "VOIDED", approvalNumber: null });
      expect(await phoneUpdates.next(1000)).toMatchObject({ id: payment.id, status: "VOIDED" });
      expect(await shopper.phone.pendingConfirmations()).toEqual([]);
      expect(institution.authorizations.has(payment.id)).toBe(false);
      expect(institution.reversals.has(payment.id)).toBe(false);

      // A phone answer that arrives after the cancel is refused, and says why.
      const late = shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
      await expect(late).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringContaining("cancelled"), extensions: { status: "VOIDED" } });
      // The same void again (same key, or none) answers the same.
      expect((await register.voidPayment(payment.id, "void-cancel-1")).status).toBe("VOIDED");
      expect((await register.voidPayment(payment.id)).status).toBe("VOIDED");
    } finally {
      await shopper.phone.live.close();
    }
  });

  it("decides a void racing an approval once: either cancelled with nothing charged, or charged and the void refused or reversed", async () => {
    const rounds = 12;
    const outcomes = { cancelled: 0, charged: 0 };
    for (let round = 0; round < rounds; round++) {
      const { shopper, register, payment, request } = await waitingSale(`race-${round}`);
      const [approve, cancel] = await Promise.allSettled([
        shopper.phone.respondToConfirmation(request.id, true, PASSWORD),
        // Spread the void over the approval's own time (password hash, then the decision).
        new Promise((resolve) => setTimeout(resolve, (round * 2) % 24)).then(() => register.voidPayment(payment.id)),
      ]);
      const final = (await register.payment(payment.id))!;
      if (approve.status === "rejected") {
        // The void won: nothing was asked of the institution.
        expect(cancel.status).toBe("fulfilled");
        expect(final.status).toBe("VOIDED");
        expect(institution.authorizations.has(payment.id)).toBe(false);
        outcomes.cancelled++;
      } else {
        // The approval won: the void came too late for the waiting sale. Either it was
        // refused (the payment was being decided), or it voided the approved payment the
        // usual way, with its authorization reversed.
        expect(approve.value.status).toBe("APPROVED");
        expect(institution.authorizations.has(payment.id)).toBe(true);
        if (cancel.status === "fulfilled") {
          expect(final.status).toBe("VOIDED");
          await server.app.services.outbox.drain();
          expect(institution.reversals.has(payment.id)).toBe(true);
        } else {
          expect(final.status).toBe("APPROVED");
        }
        outcomes.charged++;
      }
      await errorCodeOf(shopper.phone.respondToConfirmation(request.id, false, PASSWORD)); // the request is closed either way
    }
    expect(outcomes.cancelled + outcomes.charged).toBe(rounds);
  });
});
