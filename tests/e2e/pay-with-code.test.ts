import jsQR from "jsqr";
import { PNG } from "pngjs";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, newRegister, newShopper } from "../support/world";

function decodeQrPng(dataUrl: string): string | null {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64"));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

describe.each(engines)("paying at a register with a one-time QR code (%s)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it("takes a customer from enrollment to an approved payment in their history", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.visa);
    expect(shopper.card).toMatchObject({ brand: "VISA", last4: "4242", status: "AVAILABLE", selector: "1" });

    const issued = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "both");
    expect(issued.kind).toBe("PAYMENT");
    expect(issued.code).toMatch(/^\d{20}$/);
    expect(issued.qrSvg).toContain("<svg");
    expect(decodeQrPng(issued.qrPng!)).toBe(issued.code);

    const { register } = await newRegister(server.url);
    const lookup = await register.lookupCode(issued.code);
    expect(lookup).toMatchObject({ kind: "PAYMENT", maxAmount: null, card: { brand: "VISA", last4: "4242", institution: "Test Card Co." } });

    const sale = { amount: 1200, currency: "JPY", items: [{ name: "Onigiri", quantity: 4, unitPrice: 300 }], reference: "R-1" };
    const payment = await register.redeemCode(issued.code, sale, "sale-1");
    expect(payment.status).toBe("APPROVED");
    expect(payment.approvalNumber).toMatch(/^[A-Z0-9]{6}$/);
    expect(payment).toMatchObject({ amount: 1200, currency: "JPY", storeName: "Corner Store Shibuya", card: { last4: "4242" } });

    const history = await shopper.phone.payments();
    expect(history.nodes.map((p) => p.id)).toEqual([payment.id]);
    expect(history.nodes[0]).toMatchObject({ status: "APPROVED", approvalNumber: payment.approvalNumber, items: sale.items });
    expect(await shopper.phone.payment(payment.id)).toMatchObject({ id: payment.id, status: "APPROVED" });
    expect((await register.payments()).nodes.map((p) => p.id)).toEqual([payment.id]);
  });

  it("reports an approved sale to the institution through the outbox", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.mastercard);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount: 500, currency: "JPY" }, "report-1");
    await server.app.services.outbox.drain();
    const simulator = server.app.institution as unknown as { reports: Array<{ paymentId: string; kind: string }> };
    expect(simulator.reports).toContainEqual(expect.objectContaining({ paymentId: payment.id, kind: "SALE" }));
  });

  it("declines by the institution's answer and says why", async () => {
    const { register } = await newRegister(server.url);
    for (const [pan, reason] of [
      [TEST_CARDS.declined, "card_declined"],
      [TEST_CARDS.insufficientFunds, "insufficient_funds"],
      [TEST_CARDS.expired, "expired_card"],
    ]) {
      const shopper = await newShopper(server.url, pan);
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      const payment = await register.redeemCode(code, { amount: 100, currency: "JPY" }, `decline-${reason}`);
      expect(payment).toMatchObject({ status: "DECLINED", declineReason: reason, approvalNumber: null });
    }
  });

  it("reverses a payment the institution does not answer in time", async () => {
    const shopper = await newShopper(server.url, TEST_CARDS.noAnswer);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, { amount: 100, currency: "JPY" }, "timeout-1");
    expect(payment).toMatchObject({ status: "DECLINED", declineReason: "processing_error" });
    await server.app.services.outbox.drain();
    const simulator = server.app.institution as unknown as { reversals: Set<string> };
    expect(simulator.reversals.has(payment.id)).toBe(true);
  });

  it("voids and refunds approved payments, once each", async () => {
    const { register } = await newRegister(server.url);
    const shopper = await newShopper(server.url);
    const pay = async (key: string) => {
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      return register.redeemCode(code, { amount: 700, currency: "JPY" }, key);
    };
    const first = await pay("vr-1");
    const voided = await register.voidPayment(first.id, "void-1");
    expect(voided.status).toBe("VOIDED");
    expect((await register.voidPayment(first.id, "void-1")).status).toBe("VOIDED");
    const second = await pay("vr-2");
    expect((await register.refundPayment(second.id)).status).toBe("REFUNDED");
    expect((await shopper.phone.payment(second.id))?.status).toBe("REFUNDED");
  });

  it("pages the history newest first, for the phone and for the store", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) {
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      ids.push((await register.redeemCode(code, { amount, currency: "JPY" }, `page-${amount}`)).id);
    }
    const first = await shopper.phone.payments(2);
    expect(first.nodes.map((p) => p.amount)).toEqual([300, 200]);
    const second = await shopper.phone.payments(2, first.nextCursor);
    expect(second.nodes.map((p) => p.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await register.payments(3)).nodes.map((p) => p.id)).toEqual([...ids].reverse());
  });

  it("gives exactly one APPROVED payment for 40 concurrent redeems of one code at two registers", async () => {
    const shopper = await newShopper(server.url);
    const a = await newRegister(server.url, "JPY", "Store A");
    const b = await newRegister(server.url, "JPY", "Store B");
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const attempts = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a.register : b.register)
        .redeemCode(code, { amount: 300, currency: "JPY" }, `race-${i}`)
        .then((p) => p.status, (e: { code?: string }) => e.code ?? "NO_CODE"),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === "APPROVED")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "CODE_ALREADY_USED")).toHaveLength(39);
    const history = await shopper.phone.payments(100);
    expect(history.nodes).toHaveLength(1);
  });
});
