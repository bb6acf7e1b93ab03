import { ManualClock } from "../../src/clock";
import { BillEntity, PaymentEntity } from "../../src/entities";
import { CRASHING_CARD, CrashingInstitution } from "../support/crashing-institution";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS, errorCodeOf } from "../support/test-data";

const DAY = 86_400_000;

// Through the clients: tests/e2e/bills-by-card.test.ts. Here: what needs the clock or a
// crash: the bill a card payment holds is let go however the payment ends uncharged.
describe.each(engines)("a bill held by its card payment, let go when nothing is charged (%s)", (engine) => {
  let world: ServiceWorld<CrashingInstitution>;
  const clock = new ManualClock(new Date("2026-11-24T10:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, institution: new CrashingInstitution() });
  });
  afterAll(() => world.close());

  async function billToPay(pan: string = TEST_CARDS.visa) {
    const { hq } = await newPartner(world, "Tokyo Water");
    const customer = await newCustomer(world, pan);
    const { register } = await newStore(world, { name: "7-Eleven Shibuya" });
    const bill = await world.services.bills.postBill(hq, {
      customerPhone: customer.phoneNumber,
      reference: `W-${Math.random().toString(36).slice(2, 10)}`,
      amount: 3_200,
      currency: "JPY",
      dueDate: new Date(clock.now().getTime() + 30 * DAY),
    });
    const billCode = async () => (await world.services.bills.issueBillCode(customer.caller, bill.id, PASSWORD)).code;
    const payCode = async () => (await world.services.codes.issuePaymentCode(customer.caller, customer.card.id, PASSWORD, null)).code;
    const byCard = async (key: string) => world.services.bills.collectBill(register, await billCode(), "CARD", key, await payCode());
    const stored = () => world.deps.db.read((m) => m.findOneByOrFail(BillEntity, { id: bill.id }));
    const cash = async (key: string) => world.services.bills.collectBill(register, await billCode(), "CASH", key);
    return { customer, register, bill, byCard, stored, cash };
  }

  it("lets the bill go when a crash left its payment PROCESSING and recovery declines it", async () => {
    const t = await billToPay(CRASHING_CARD);
    void t.byCard("crash-1"); // never answers: the instance that asked is as good as dead
    let payment: PaymentEntity | undefined;
    while (!payment) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      payment = (await world.services.payments.list(t.customer.caller, 1, null)).nodes[0];
    }
    expect(payment).toMatchObject({ status: "PROCESSING", amount: 3_200, billId: t.bill.id });
    expect((await t.stored()).paymentId).toBe(payment.id);
    expect(await errorCodeOf(t.cash("cash-while-processing"))).toBe("BILL_NOT_PAYABLE");

    clock.advance(world.deps.config.institutionTimeoutMs + world.deps.config.recoveryAfterMs + 1);
    expect(await world.services.payments.recover()).toBe(1);
    expect(await world.services.payments.get(t.customer.caller, payment.id)).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    expect(await t.stored()).toMatchObject({ status: "OPEN", paymentId: null, tender: null });
    expect(await t.cash("cash-after-recovery")).toMatchObject({ status: "PAID", tender: "CASH" });
  });

  it("lets the bill go when the institution does not answer in time", async () => {
    const t = await billToPay(TEST_CARDS.noAnswer);
    const collected = await t.byCard("timeout-1");
    expect(collected).toMatchObject({ status: "OPEN", paymentId: expect.any(String) });
    expect(await world.services.payments.get(t.customer.caller, collected.paymentId!)).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    expect(await t.stored()).toMatchObject({ status: "OPEN", paymentId: null });
  });

  it("lets the bill go when the phone's request expires, and when the register voids the waiting payment", async () => {
    const t = await billToPay();
    await world.services.customers.setConfirmAbove(t.customer.caller, 0);
    const expiring = await t.byCard("expire-1");
    expect((await t.stored()).paymentId).toBe(expiring.paymentId);
    clock.advance(world.deps.config.confirmationTtlSeconds * 1000 + 1);
    expect(await world.services.confirmations.expireDue()).toBe(1);
    expect((await world.services.payments.get(t.customer.caller, expiring.paymentId!))?.status).toBe("EXPIRED");
    expect(await t.stored()).toMatchObject({ status: "OPEN", paymentId: null });

    const voided = await t.byCard("void-waiting-1");
    expect((await world.services.payments.voidPayment(t.register, voided.paymentId!)).status).toBe("VOIDED");
    expect(await t.stored()).toMatchObject({ status: "OPEN", paymentId: null });
    // Payable once more, and paid by card once approved on the phone.
    const last = await t.byCard("approve-1");
    const [{ request }] = await world.services.confirmations.pending(t.customer.caller);
    expect((await world.services.payments.respondToConfirmation(t.customer.caller, request.id, true, PASSWORD)).status).toBe("APPROVED");
    expect(await t.stored()).toMatchObject({ status: "PAID", tender: "CARD", paymentId: last.paymentId, paidAtStoreName: "7-Eleven Shibuya" });
  });

  it("starts no card payment for a bill past its due date: its code ends with it, and nothing is charged", async () => {
    const t = await billToPay();
    const billCode = (await world.services.bills.issueBillCode(t.customer.caller, t.bill.id, PASSWORD)).code;
    clock.advance(31 * DAY);
    const payCode = (await world.services.codes.issuePaymentCode(t.customer.caller, t.customer.card.id, PASSWORD, null)).code;
    expect(await errorCodeOf(world.services.bills.collectBill(t.register, billCode, "CARD", "overdue-1", payCode))).toBe("CODE_EXPIRED");
    expect((await world.services.payments.list(t.customer.caller, 5, null)).nodes).toHaveLength(0);
  });
});
