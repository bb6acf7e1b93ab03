import jsQR from "jsqr";
import { PNG } from "pngjs";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, TEST_CARDS, newRegister, newShopper } from "../support/world";

function decodeQrPng(dataUrl: string): string | null {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64"));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

// The institution's answers, status moves, paging and races are tests/service/payments.test.ts.
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

  it("voids and refunds approved payments", async () => {
    const { register } = await newRegister(server.url);
    const shopper = await newShopper(server.url);
    const pay = async (key: string) => {
      const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
      return register.redeemCode(code, { amount: 700, currency: "JPY" }, key);
    };
    const first = await pay("vr-1");
    const voided = await register.voidPayment(first.id, "void-1");
    expect(voided.status).toBe("VOIDED");
    const second = await pay("vr-2");
    expect((await register.refundPayment(second.id)).status).toBe("REFUNDED");
    expect((await shopper.phone.payment(second.id))?.status).toBe("REFUNDED");
  });
});
