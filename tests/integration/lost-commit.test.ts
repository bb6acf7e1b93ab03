import { randomBytes, generateKeyPairSync } from "node:crypto";
import { createTestDatabase, mysqlAvailable, type TestDatabase } from "../support/databases";
import { answerLosingProxy, type Loss } from "../support/answer-losing-proxy";
import { login, newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";
import { LedgerEntryEntity, PaymentEntity, ReceiptEntity } from "../../src/entities";

/**
 * A redeem whose COMMIT's answer is lost with its connection, as when the database node
 * fails at that moment (through a proxy that loses exactly that exchange): whether the
 * COMMIT went through, never arrived, or arrived after the redeem looked for its payment
 * (a failed Galera node's last writeset), the register gets one approved payment, the
 * same one again for the same key, and the code is used once. MySQL only (SQLite has no
 * connection to lose).
 */
const describeIf = mysqlAvailable ? describe : describe.skip;

describeIf("a redeem whose COMMIT's answer is lost (mysql)", () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof answerLosingProxy>>;
  let world: ServiceWorld;

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const direct = new URL(database.databaseUrl!);
    proxy = await answerLosingProxy({ host: direct.hostname, port: Number(direct.port || 3306) });
    const proxied = new URL(direct);
    proxied.host = `127.0.0.1:${proxy.port}`;
    world = await serviceWorld("mysql", {
      deployment: {
        database: { ...database, databaseUrl: proxied.toString() },
        secrets: {
          ADMIN_TOKEN: randomBytes(32).toString("base64url"),
          CARD_KEY: randomBytes(32).toString("hex"),
          TICKET_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          RECEIPT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        },
      },
    });
  });

  afterAll(async () => {
    await world?.close();
    await proxy?.close();
    await database?.drop();
  });

  /** The redeem transaction's last round trip: the payment's row with the COMMIT. */
  const paymentCommit = (text: string) => text.includes("INSERT INTO payments") && text.includes("COMMIT");

  it.each<[string, Loss]>([
    ["went through", "answer"],
    ["never arrived", "text"],
    ["reached the server only after the payment was looked for", "late"],
  ])("the COMMIT %s: one approved payment, the same for the same key, the code used once", async (_, loss) => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const sale = { amount: 800, currency: "JPY" };

    proxy.arm(paymentCommit, loss);
    const sprungBefore = proxy.sprung;
    const payment = await world.services.payments.redeemCode(register, code, sale, `lost-${loss}`);
    expect(proxy.sprung).toBe(sprungBefore + 1);
    expect(payment.status).toBe("APPROVED");

    expect((await world.services.payments.redeemCode(register, code, sale, `lost-${loss}`)).id).toBe(payment.id);
    expect(await errorCodeOf(world.services.payments.redeemCode(register, code, sale, `again-${loss}`))).toBe("CODE_ALREADY_USED");
    const payments = await world.services.payments.list(shopper.caller, 10, null);
    expect(payments.nodes.map((p) => [p.id, p.status])).toEqual([[payment.id, "APPROVED"]]);
  });

  it("a bill paid by card whose payment's COMMIT reached the server only after the payment was looked for: the bill is PAID by one approved payment", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const { hq } = await newPartner(world, "Tokyo Water");
    const bill = await world.services.bills.postBill(hq, {
      customerPhone: shopper.phoneNumber,
      reference: "W-LATE-1",
      amount: 3_200,
      currency: "JPY",
      dueDate: new Date(Date.now() + 30 * 86_400_000),
    });
    const { code: billCode } = await world.services.bills.issueBillCode(shopper.caller, bill.id, PASSWORD);
    const { code: payCode } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);

    proxy.arm(paymentCommit, "late");
    const sprungBefore = proxy.sprung;
    const collected = await world.services.bills.collectBill(register, billCode, "CARD", "bill-late", payCode);
    expect(proxy.sprung).toBe(sprungBefore + 1);
    expect(collected).toMatchObject({ status: "PAID", tender: "CARD" });
    const payments = await world.services.payments.list(shopper.caller, 10, null);
    expect(payments.nodes.map((p) => [p.id, p.status, p.billId])).toEqual([[collected.paymentId, "APPROVED", bill.id]]);
  });

  /** The decision's one round trip: the payment's move, its ledger entry and receipt, with the COMMIT. */
  const decisionCommit = (text: string) => text.includes("UPDATE payments") && text.includes("INSERT INTO ledger_entries") && text.includes("COMMIT");

  it.each<[string, Loss]>([
    ["went through", "answer"],
    ["never arrived", "text"],
  ])("the decision's COMMIT %s: it runs again on a new connection, the register hears APPROVED, and the books hold one sale and one receipt", async (_, loss) => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);

    proxy.arm(decisionCommit, loss);
    const sprungBefore = proxy.sprung;
    const payment = await world.services.payments.redeemCode(register, code, { amount: 650, currency: "JPY" }, `decision-${loss}`);
    expect(proxy.sprung).toBe(sprungBefore + 1);
    expect(payment.status).toBe("APPROVED");

    const [stored, ledger, receipts] = await world.deps.db.read((m) =>
      Promise.all([
        m.findOneByOrFail(PaymentEntity, { id: payment.id }),
        m.find(LedgerEntryEntity, { where: { paymentId: payment.id } }),
        m.find(ReceiptEntity, { where: { objectId: payment.id } }),
      ]),
    );
    expect([stored.status, stored.approvalNumber]).toEqual(["APPROVED", payment.approvalNumber]);
    expect(ledger.map((e) => [e.entryType, e.amount])).toEqual([["SALE", 650]]);
    expect(receipts.map((r) => r.kind)).toEqual(["payment.approved"]);
  });

  it.each<[string, Loss]>([
    ["went through", "answer"],
    ["never arrived", "text"],
  ])("a payment code whose COMMIT %s: the call is run again and answers a code that redeems", async (_, loss) => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    proxy.arm((text) => text.includes("INSERT INTO wallet_codes") && text.includes("COMMIT"), loss);
    const sprungBefore = proxy.sprung;
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    expect(proxy.sprung).toBe(sprungBefore + 1);
    expect((await world.services.payments.redeemCode(register, code, { amount: 300, currency: "JPY" }, `code-${loss}`)).status).toBe("APPROVED");
  });

  it("a login whose COMMIT's answer is lost: the call is run again and its token is a live session", async () => {
    const shopper = await newCustomer(world);
    proxy.arm((text) => text.includes("customer_sessions") && text.includes("COMMIT"), "answer");
    const sprungBefore = proxy.sprung;
    const caller = await login(world, shopper.phoneNumber);
    expect(proxy.sprung).toBe(sprungBefore + 1);
    expect((await world.services.payments.list(caller, 1, null)).nodes).toEqual([]);
  });
});
