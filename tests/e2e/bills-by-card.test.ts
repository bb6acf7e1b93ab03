import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper, type Shopper } from "../support/world";

const DAY = 86_400_000;

// What needs the clock or a crash (a confirmation's expiry, recovery) is tests/service/bills-by-card.test.ts.
describe.each(engines)("a bill paid by card at the store (%s)", (engine) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.up();
    server = await startTestServer(engine);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  /** A biller with a webhook, a customer with a card (`pan`), a bill of 8,640 yen for them, and a register. */
  async function billToPay(pan: string = TEST_CARDS.visa, reference = `INV-${Math.random().toString(36).slice(2, 10)}`) {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Power & Gas", receiver.url);
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url, pan);
    const { register, store } = await newRegister(server.url, "JPY", "FamilyMart Meguro");
    const dueDate = new Date(Date.now() + 10 * DAY).toISOString();
    const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 8_640, currency: "JPY", dueDate });
    const billCode = async () => (await shopper.phone.issueBillCode(bill.id, PASSWORD)).code;
    const payCode = async (who: Shopper = shopper) => (await who.phone.issuePaymentCode(who.card.id, PASSWORD)).code;
    const statusSeenByPhone = async () => (await shopper.phone.bills()).find((b) => b.id === bill.id)!.status;
    return { partner, biller, shopper, register, store, bill, billCode, payCode, statusSeenByPhone };
  }

  /** The webhooks of one type about one bill reference, once the outbox has delivered them. */
  async function webhooks(type: string, reference: string, count = 1) {
    const found = () =>
      receiver.delivered.filter((h) => {
        const body = JSON.parse(h.body);
        return body.type === type && body.data.reference === reference;
      });
    await eventually(() => found().length >= count);
    return found();
  }

  it("charges the bill's amount to the customer's card: PAID by CARD with the payment, and the biller hears it signed", async () => {
    const t = await billToPay();
    const [billCode, payCode] = [await t.billCode(), await t.payCode()];
    const collected = await t.register.collectBill(billCode, "CARD", "card-1", payCode);
    expect(collected).toMatchObject({
      id: t.bill.id,
      status: "PAID",
      tender: "CARD",
      paidAtStore: "FamilyMart Meguro",
      payment: { status: "APPROVED", amount: 8_640, currency: "JPY", storeName: "FamilyMart Meguro", card: { last4: "4242" } },
    });
    expect(collected.payment!.approvalNumber).toMatch(/^[A-Z0-9]{6}$/);
    // The same key replays the same answer; under it, other codes are a conflict.
    expect(await t.register.collectBill(billCode, "CARD", "card-1", payCode)).toEqual(collected);
    expect(await errorCodeOf(t.register.collectBill(billCode, "CARD", "card-1", "11111111111111111111"))).toBe("IDEMPOTENCY_CONFLICT");
    expect(await t.register.payment(collected.payment!.id)).toMatchObject({ status: "APPROVED", amount: 8_640 });

    // The customer sees the bill paid, and the payment it was paid with; the biller sees it paid, not the payment.
    const [seen] = (await t.shopper.phone.bills()).filter((b) => b.id === t.bill.id);
    expect(seen).toMatchObject({ status: "PAID", tender: "CARD" });
    expect((await t.shopper.phone.payments()).nodes.map((p) => p.id)).toContain(collected.payment!.id);
    expect((await t.biller.bills("PAID")).map((b) => b.id)).toEqual([t.bill.id]);
    // The store's day: a bill collected and a payment approved, and no cash to hand over.
    const today = new Date().toISOString().slice(0, 10);
    expect(await t.register.storeReport(today)).toMatchObject({ billsCollected: 1, cashCollected: 0, paymentsApproved: 1, amountApproved: 8_640 });
    expect((await t.register.collectedBills(today)).map((b) => [b.id, b.tender])).toEqual([[t.bill.id, "CARD"]]);

    const [hook] = await webhooks("bill.paid", t.bill.reference);
    const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
    expect(verifyWebhook(t.partner.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(true);
    const body = JSON.parse(hook.body);
    expect(body.data).toMatchObject({ status: "PAID", tender: "CARD", amount: 8_640, store: { id: t.store.id, name: "FamilyMart Meguro" } });
    expect(hook.body).not.toContain(t.shopper.phoneNumber);
    expect(hook.body).not.toContain(collected.payment!.id);
  });

  it("leaves the bill payable when the card is declined: the bill code is used, a new one pays in cash", async () => {
    const t = await billToPay(TEST_CARDS.declined);
    const billCode = await t.billCode();
    const declined = await t.register.collectBill(billCode, "CARD", "declined-1", await t.payCode());
    expect(declined).toMatchObject({ id: t.bill.id, status: "OPEN", tender: null, paidAt: null, payment: { status: "DECLINED", declineReason: "card_declined" } });
    expect(await t.statusSeenByPhone()).toBe("OPEN");
    expect(await t.register.collectBill(billCode, "CARD", "declined-1", "whatever").catch((e) => e.code)).toBe("IDEMPOTENCY_CONFLICT");
    expect(await errorCodeOf(t.register.collectBill(billCode, "CASH", "declined-2"))).toBe("CODE_ALREADY_USED");

    const cash = await t.register.collectBill(await t.billCode(), "CASH", "cash-after-decline");
    expect(cash).toMatchObject({ status: "PAID", tender: "CASH", payment: null });
    expect(await webhooks("bill.paid", t.bill.reference)).toHaveLength(1);
  });

  it("waits for the phone when the customer confirms: the bill is held meanwhile, and PAID only once approved", async () => {
    const t = await billToPay();
    await t.shopper.phone.setConfirmAbove(1_000);
    const updates = t.register.paymentUpdates();
    await updates.ready;
    try {
      // Rejected on the phone: nothing is charged and the bill is payable again.
      const first = await t.register.collectBill(await t.billCode(), "CARD", "asked-1", await t.payCode());
      expect(first).toMatchObject({ status: "OPEN", payment: { status: "PENDING_CONFIRMATION", amount: 8_640 } });
      // Held: no cash collection, no cancellation by the biller, no second card payment.
      expect(await errorCodeOf(t.register.collectBill(await t.billCode(), "CASH", "cash-while-held"))).toBe("BILL_NOT_PAYABLE");
      expect(await errorCodeOf(t.biller.cancelBill(t.bill.reference))).toBe("BILL_NOT_PAYABLE");
      expect(await errorCodeOf(t.register.collectBill(await t.billCode(), "CARD", "card-while-held", await t.payCode()))).toBe("BILL_NOT_PAYABLE");
      const [request] = await t.shopper.phone.pendingConfirmations();
      expect(request.payment).toMatchObject({ id: first.payment!.id, amount: 8_640 });
      expect(await t.shopper.phone.respondToConfirmation(request.id, false, PASSWORD)).toMatchObject({ status: "REJECTED_BY_CUSTOMER" });
      expect(await t.statusSeenByPhone()).toBe("OPEN");

      // Approved on the phone: the bill is PAID by card, and the register hears the payment decided.
      const second = await t.register.collectBill(await t.billCode(), "CARD", "asked-2", await t.payCode());
      expect(second.payment).toMatchObject({ status: "PENDING_CONFIRMATION" });
      const [again] = await t.shopper.phone.pendingConfirmations();
      expect(await t.shopper.phone.respondToConfirmation(again.id, true, PASSWORD)).toMatchObject({ status: "APPROVED" });
      for (;;) {
        const update = await updates.next(5_000);
        if (update.id === second.payment!.id && update.status !== "PENDING_CONFIRMATION") {
          expect(update.status).toBe("APPROVED");
          break;
        }
      }
      expect(await t.statusSeenByPhone()).toBe("PAID");
      // The key's answer now tells the decision too.
      expect(await t.register.collectBill("ignored", "CARD", "asked-2", "ignored").catch((e) => e.code)).toBe("IDEMPOTENCY_CONFLICT");
      expect((await t.biller.bills("PAID")).map((b) => [b.id, b.tender])).toEqual([[t.bill.id, "CARD"]]);
    } finally {
      await t.register.live.close();
    }
  });

  it("opens the bill again when its card payment is voided, and tells the biller; a refund is refused", async () => {
    const t = await billToPay();
    const paid = await t.register.collectBill(await t.billCode(), "CARD", "to-void", await t.payCode());
    expect(paid.status).toBe("PAID");
    await expect(t.register.refundPayment(paid.payment!.id, "refund-bill", 1_000)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/voided, not refunded/),
    });
    expect(await errorCodeOf(t.register.reverseBillCollection(t.bill.id, "reverse-card"))).toBe("BAD_USER_INPUT");

    expect(await t.register.voidPayment(paid.payment!.id, "void-bill")).toMatchObject({ status: "VOIDED" });
    expect(await t.statusSeenByPhone()).toBe("OPEN");
    const [reversed] = await webhooks("bill.reversed", t.bill.reference);
    // The bill as it is after the event, as the API shows it; the undone collection apart.
    expect(JSON.parse(reversed.body).data).toMatchObject({
      status: "OPEN",
      tender: null,
      paidAt: null,
      paidAtStore: null,
      store: { name: "FamilyMart Meguro" },
      reversedCollection: { tender: "CARD", paidAt: expect.any(String), paidAtStore: "FamilyMart Meguro" },
    });
    // Payable again, by any tender.
    expect(await t.register.collectBill(await t.billCode(), "CASH", "cash-after-void")).toMatchObject({ status: "PAID", tender: "CASH" });
  });

  it("refuses a card collection without a payment code, a payment code with cash, and a bad payment code, using no code", async () => {
    const t = await billToPay();
    const billCode = await t.billCode();
    const payCode = await t.payCode();
    await expect(t.register.collectBill(billCode, "CARD", "no-pay-code")).rejects.toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "paymentCode" } });
    await expect(t.register.collectBill(billCode, "CASH", "cash-with-code", payCode)).rejects.toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "paymentCode" } });
    expect(await errorCodeOf(t.register.collectBill(billCode, "CARD", "bad-pay-code", "12345678901234567890"))).toBe("CODE_INVALID");
    // Another customer's payment code pays nothing of this bill either.
    const other = await newShopper(server.url);
    expect(await errorCodeOf(t.register.collectBill(payCode, "CARD", "pay-code-as-bill", billCode))).toBe("CODE_WRONG_KIND");
    const paid = await t.register.collectBill(billCode, "CARD", "fine", await t.payCode(other));
    // Anyone's card may pay a bill whose code the customer shows: the bill code is the customer's consent.
    expect(paid).toMatchObject({ status: "PAID", payment: { status: "APPROVED", card: { last4: "4242" } } });
    // The first payment code was not used by the refusals.
    expect((await t.register.redeemCode(payCode, { amount: 100, currency: "JPY" }, "pay-code-still-good")).status).toBe("APPROVED");
  });

  it("charges at most once when registers collect one bill in cash and by card at the same moment", async () => {
    const t = await billToPay();
    const second = await newRegister(server.url, "JPY", "Lawson Ebisu");
    const billCodes = [await t.billCode(), await t.billCode(), await t.billCode(), await t.billCode()];
    const payCodes = [await t.payCode(), await t.payCode()];
    const attempts = await Promise.allSettled([
      t.register.collectBill(billCodes[0], "CARD", "race-card-1", payCodes[0]),
      second.register.collectBill(billCodes[1], "CASH", "race-cash-1"),
      t.register.collectBill(billCodes[2], "CARD", "race-card-2", payCodes[1]),
      second.register.collectBill(billCodes[3], "CASH", "race-cash-2"),
    ]);
    const paid = attempts.filter((a) => a.status === "fulfilled" && a.value.status === "PAID");
    expect(paid).toHaveLength(1);
    for (const a of attempts) if (a.status === "rejected") expect((a.reason as { code: string }).code).toBe("BILL_NOT_PAYABLE");
    const approved = (await t.shopper.phone.payments()).nodes.filter((p) => p.status === "APPROVED");
    const winner = (paid[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof t.register.collectBill>>>).value;
    expect(approved).toHaveLength(winner.tender === "CARD" ? 1 : 0);
    expect(await webhooks("bill.paid", t.bill.reference)).toHaveLength(1);
  });
});
