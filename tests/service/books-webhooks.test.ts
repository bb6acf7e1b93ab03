import { verifyReceipt, type KeySet, type SignedReceipt } from "../../clients/wire/receipt";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, TEST_CARDS } from "../support/test-data";
import { startWebhookReceiver } from "../support/webhook-receiver";

interface Hook {
  type: string;
  data: { id: string; receipt?: SignedReceipt };
}

/**
 * The webhooks about decisions carry the decision's signed receipt (issue 31: "webhooks
 * carry them"): a store's payment.approved, declined, voided and refunded, and the
 * biller's and the store's bill.collected and bill.reversed. Each receipt verifies with
 * the published keys and is the very receipt the books hold for that object.
 */
describe.each(engines)("webhooks carry the decision's receipt (%s)", (engine) => {
  let world: ServiceWorld;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let keys: KeySet;
  const clock = new ManualClock(new Date("2026-12-01T10:00:00Z"));

  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
    await world.services.receiptKeys.record();
    keys = await world.services.receiptKeys.keySet();
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await receiver.close();
    await world.close();
  });

  const hooks = async (): Promise<Hook[]> => {
    await world.services.outbox.drain();
    return receiver.delivered.map((hook) => JSON.parse(hook.body) as Hook);
  };
  /** The receipt a webhook carries: signed, and exactly the books' receipt of that object and kind. */
  async function carried(hook: Hook | undefined, objectId: string, kind = hook?.type): Promise<SignedReceipt> {
    expect(hook?.data.receipt).toBeDefined();
    const receipt = hook!.data.receipt!;
    expect(await verifyReceipt(receipt, keys)).toBe(true);
    expect(await world.services.receipts.ofObject(objectId)).toContainEqual(receipt);
    expect(receipt.body.kind).toBe(kind);
    return receipt;
  }

  it("payments: approved, refunded, voided and declined, each with its receipt", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world, { name: "Hooked Mart", webhookUrl: receiver.url });
    const pay = async (amount: number, key: string) => {
      const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
      return world.services.payments.redeemCode(register, code, { amount, currency: "JPY" }, key);
    };
    const sold = await pay(1200, "hook-1");
    await world.services.payments.refundPayment(register, sold.id, "hook-refund-1", 200);
    const voided = await pay(800, "hook-2");
    await world.services.payments.voidPayment(register, voided.id, "hook-void-2");
    const declining = await newCustomer(world, TEST_CARDS.declined);
    const { code } = await world.services.codes.issuePaymentCode(declining.caller, declining.card.id, PASSWORD, null);
    const declined = await world.services.payments.redeemCode(register, code, { amount: 500, currency: "JPY" }, "hook-3");
    expect(declined.status).toBe("DECLINED");

    const received = await hooks();
    const of = (type: string, id: string) => received.find((hook) => hook.type === type && hook.data.id === id);
    expect((await carried(of("payment.approved", sold.id), sold.id)).body).toMatchObject({ amount: 1200, objectId: sold.id });
    // A refund's receipt is the refund's own (its objectId), naming the payment.
    const refunded = of("payment.refunded", sold.id);
    const refund = await carried(refunded, refunded?.data.receipt?.body.objectId ?? "none");
    expect(refund.body).toMatchObject({ amount: 200, paymentId: sold.id });
    await carried(of("payment.voided", voided.id), voided.id);
    await carried(of("payment.declined", declined.id), declined.id);
  });

  it("bills: the biller's and the store's bill.collected and bill.reversed, each with its receipt", async () => {
    const { hq } = await newPartner(world, "Hooked Power & Gas", receiver.url);
    const shopper = await newCustomer(world);
    const { register } = await newStore(world, { name: "Hooked Corner", webhookUrl: receiver.url });
    const bill = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: "HPG-1", amount: 3300, currency: "JPY", dueDate: new Date(clock.now().getTime() + 86_400_000) });
    const { code } = await world.services.bills.issueBillCode(shopper.caller, bill.id, PASSWORD);
    await world.services.bills.collectBill(register, code, "CASH", "hook-bill-1");
    await world.services.bills.reverseBillCollection(register, bill.id, "hook-bill-reverse-1");

    const received = (await hooks()).filter((hook) => hook.data.id === bill.id);
    // The biller hears bill.paid and the store bill.collected, both of the collection; each hears bill.reversed.
    const told = (types: string[], kind: string) => received.filter((hook) => types.includes(hook.type)).map((hook) => ({ hook, kind }));
    const expected = [...told(["bill.paid", "bill.collected"], "bill.collected"), ...told(["bill.reversed"], "bill.reversed")];
    expect(expected.map(({ hook }) => hook.type).sort()).toEqual(["bill.collected", "bill.paid", "bill.reversed", "bill.reversed"]);
    for (const { hook, kind } of expected) expect((await carried(hook, bill.id, kind)).body).toMatchObject({ amount: 3300, objectId: bill.id });
  });
});
