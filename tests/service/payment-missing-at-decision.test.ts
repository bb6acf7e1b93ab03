import type { AuthorizationRequest, AuthorizationResult } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { newCustomer, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS } from "../support/test-data";

/** The simulator, which first lets the test remove the payment it is asked to authorize. */
class VanishingInstitution extends SimulatedInstitution {
  beforeAnswer: (paymentId: string) => Promise<void> = async () => undefined;

  override async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    await this.beforeAnswer(request.paymentId);
    return super.authorize(request, signal);
  }
}

/**
 * A database that answered a COMMIT with OK for a payment that never committed (as a
 * Galera node did) leaves an authorization with no payment to record it on: its decision
 * finds no payment, and the authorization is reversed through the outbox, never left
 * standing with nothing recorded.
 */
describe.each(engines)("an authorization whose decision finds no payment (%s)", (engine) => {
  let world: ServiceWorld<VanishingInstitution>;
  beforeAll(async () => {
    world = await serviceWorld(engine, { institution: new VanishingInstitution(1) });
  });
  afterAll(() => world.close());

  it("is reversed through the outbox, and the redeem fails", async () => {
    const shopper = await newCustomer(world, TEST_CARDS.visa);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    let asked: string | null = null;
    world.institution.beforeAnswer = async (paymentId) => {
      asked = paymentId;
      await world.deps.db.write("DELETE FROM payments WHERE id = ?", [paymentId]);
    };
    const failure = await world.services.payments.redeemCode(register, code, { amount: 900, currency: "JPY" }, "vanish-1").then(
      () => null,
      (error: Error) => error,
    );
    expect(asked).not.toBeNull();
    expect(failure?.name).toBe("PaymentMissingAtDecision");
    expect(await eventually(async () => (await world.services.outbox.drain(), world.institution.reversals.has(asked!)))).toBe(true);
  });
});
