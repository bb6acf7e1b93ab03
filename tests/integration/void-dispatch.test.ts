import { ManualClock } from "../../src/clock";
import { OutboxMessageEntity } from "../../src/entities";
import { CountingInstitution } from "../support/counting-institution";
import { eventually } from "../support/eventually";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

describe.each(engines)("a void's reversal and the void and refund reports (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock();
  const institution = new CountingInstitution(5);
  beforeAll(async () => {
    // A poll a minute: within this test only the instance's own dispatch (or drain) delivers.
    server = await startTestServer(engine, { clock, institution, env: { OUTBOX_POLL_MS: "60000" } });
  });
  afterAll(() => server.close());

  async function approvedSale(key: string) {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    return { register, payment: await register.redeemCode(code, { amount: 1_200, currency: "JPY" }, key) };
  }

  const rowsOf = async (paymentId: string) =>
    (await server.app.dataSource.manager.find(OutboxMessageEntity, { order: { id: "ASC" } })).filter((row) => row.payload.paymentId === paymentId);

  it("reach the institution right after the commit, without a poll", async () => {
    const { register, payment } = await approvedSale("void-dispatch");
    expect((await register.voidPayment(payment.id, "void-1")).status).toBe("VOIDED");
    const reportsOf = (id: string) => institution.reports.filter((r) => r.paymentId === id);
    // Calls are counted when made; a report is kept once the simulator's latency has passed.
    expect(await eventually(() => institution.reverseCalls.get(payment.id) === 1 && reportsOf(payment.id).length === 2)).toBe(true);
    expect(institution.reportCalls.get(`${payment.id}:VOID`)).toBe(1);
    expect(institution.reports.filter((r) => r.paymentId === payment.id).map((r) => r.kind)).toEqual(["SALE", "VOID"]);

    const refund = await approvedSale("refund-dispatch");
    expect((await refund.register.refundPayment(refund.payment.id, "refund-1")).status).toBe("REFUNDED");
    expect(await eventually(() => institution.reportCalls.get(`${refund.payment.id}:REFUND`) === 1)).toBe(true);
    expect(institution.reverseCalls.has(refund.payment.id)).toBe(false); // a refund reverses nothing

    // Every one delivered under this instance's own dispatch lease, none by a poll round
    // (each takes a fresh lease id), and marked delivered.
    const ownLease = server.app.services.outbox.ownLease;
    for (const id of [payment.id, refund.payment.id]) {
      expect(await eventually(async () => (await rowsOf(id)).every((row) => row.deliveredAt !== null))).toBe(true);
      expect((await rowsOf(id)).map((row) => [row.topic, row.destination, row.leaseId])).toEqual([
        ["institution.report", "institution", ownLease],
        ...(id === payment.id ? [["institution.reverse", "institution", ownLease]] : []),
        ["institution.report", "institution", ownLease],
      ]);
    }
  });
});
