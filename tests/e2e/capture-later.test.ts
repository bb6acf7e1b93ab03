import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

// The rules, the books and the sweep: tests/service/capture-later.test.ts; the racing UPDATEs: tests/service/status-races.test.ts.
describe.each(engines)("authorize now, capture later, through the clients (%s)", (engine) => {
  let server: TestServer;
  const institution = new SimulatedInstitution(5);
  beforeAll(async () => {
    server = await startTestServer(engine, { institution });
  });
  afterAll(() => server.close());

  /** A sale of `amount` yen authorized at a fresh store, with `registers` register keys of that store. */
  async function authorized(amount: number, registers = 1) {
    const shopper = await newShopper(server.url);
    const { register, store } = await newRegister(server.url);
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const others: RegisterClient[] = [];
    for (let i = 1; i < registers; i++) others.push(new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key));
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.authorizeCode(code, { amount, currency: "JPY" }, `pump-${amount}-${Date.now()}`);
    expect(payment).toMatchObject({ status: "AUTHORIZED", amount, authorizedAmount: amount, capturedAt: null });
    return { shopper, register, registers: [register, ...others], payment };
  }

  it("authorizes, then captures what the pump poured: the phone sees the captured amount, the institution gets the capture, the store's day counts it", async () => {
    const { shopper, register, payment } = await authorized(10_000);
    expect(await shopper.phone.payment(payment.id)).toMatchObject({ status: "AUTHORIZED", amount: 10_000 });
    expect((await register.storeReport(new Date().toISOString().slice(0, 10))).amountApproved).toBe(0);

    const captured = await register.capturePayment(payment.id, "pump-capture", 4_321);
    expect(captured).toMatchObject({ status: "APPROVED", amount: 4_321, authorizedAmount: 10_000 });
    expect(captured.capturedAt).not.toBeNull();
    expect(await shopper.phone.payment(payment.id)).toMatchObject({ status: "APPROVED", amount: 4_321 });
    expect(await eventually(() => institution.captures.get(payment.id) === 4_321)).toBe(true);
    expect((await register.storeReport(new Date().toISOString().slice(0, 10))).amountApproved).toBe(4_321);

    await expect(register.refundPayment(payment.id, undefined, 4_322)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(/\(4321\)/) });
    expect(await register.refundPayment(payment.id)).toMatchObject({ status: "REFUNDED", refundedAmount: 4_321 });
    expect((await register.paymentReceipt(payment.id))?.body.kind).toBe("payment.captured");
  });

  it("releases: nothing charged, and the institution lets the hold go; a capture after it is refused", async () => {
    const { register, payment } = await authorized(8_000);
    expect(await register.releaseAuthorization(payment.id, "release")).toMatchObject({ status: "RELEASED", amount: 8_000 });
    expect(await eventually(() => institution.releases.has(payment.id))).toBe(true);
    await expect(register.capturePayment(payment.id)).rejects.toMatchObject({ code: "BAD_USER_INPUT", message: "A RELEASED payment cannot become APPROVED" });
    expect(await errorCodeOf(register.capturePayment(payment.id, undefined, 0))).toBe("BAD_USER_INPUT");
  });

  it("three registers capture, release and void one authorization at once: one decision from AUTHORIZED, never both a charge and a release", async () => {
    const { registers, payment } = await authorized(6_000, 3);
    const [a, b, c] = registers;
    const outcomes = await Promise.allSettled([a.capturePayment(payment.id, undefined, 5_000), b.releaseAuthorization(payment.id), c.voidPayment(payment.id)]);
    const final = (await a.payment(payment.id))!;
    expect(["APPROVED", "RELEASED", "VOIDED"]).toContain(final.status);
    await eventually(() => institution.captures.has(payment.id) || institution.releases.has(payment.id));
    if (final.status === "RELEASED") {
      expect(outcomes[0].status).toBe("rejected");
      expect(institution.captures.has(payment.id)).toBe(false);
    } else {
      // Captured first; a void that came after it voids the captured sale whole.
      expect(outcomes[0]).toMatchObject({ status: "fulfilled", value: { amount: 5_000 } });
      expect(outcomes[1].status).toBe("rejected");
      expect(institution.releases.has(payment.id)).toBe(false);
      expect(final.amount).toBe(5_000);
    }
  });
});
