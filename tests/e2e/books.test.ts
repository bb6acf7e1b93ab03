import { BooksClient } from "../../clients/books";
import { RECEIPT_KEYS_PATH } from "../../src/http/request-listener";
import { engines } from "../support/databases";
import { eventually } from "../support/eventually";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, newRegister, newShopper } from "../support/world";

const JPY = (amount: number) => ({ amount, currency: "JPY" });

/** `get`'s answer once `holds` accepts it (waited for by condition). */
async function once<T>(get: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  let value!: T;
  expect(await eventually(async () => holds((value = await get())))).toBe(true);
  return value;
}

/**
 * The books through the public API, as a store and an auditor use them: the register's
 * receipt verifies with the published key set, is found in the books under a signed
 * head within seconds, and each later head extends the earlier one.
 */
describe.each(engines)("receipts and the books through the API (%s)", (engine) => {
  let server: TestServer;
  let books: BooksClient;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { BOOKS_SEAL_MS: "100", BOOKS_HEAD_MS: "300" } });
    books = new BooksClient(server.url);
  });
  afterAll(() => server.close());

  it("gives the register a receipt that verifies offline and is then proved in the books", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD);
    const payment = await register.redeemCode(code, JPY(1280), "books-1");
    const receipt = (await register.paymentReceipt(payment.id))!;
    expect(receipt.body).toMatchObject({ kind: "payment.approved", objectId: payment.id, amount: 1280, approvalNumber: payment.approvalNumber });
    // The redeem's own answer carries the receipt it was decided with (no read back), and
    // a retry answered from the stored answer reads the same one from the books.
    expect(JSON.parse(payment.receipt!.json)).toEqual(receipt);
    const again = await register.redeemCode(code, JPY(1280), "books-1");
    expect(again.id).toBe(payment.id);
    expect(JSON.parse(again.receipt!.json)).toEqual(receipt);

    // The key set as a static document, the same as the query gives.
    const response = await fetch(new URL(RECEIPT_KEYS_PATH, server.url));
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    const keys = await books.keySet();
    expect(await response.json()).toEqual(keys);

    const check = await once(() => books.checkReceipt(receipt, keys), (found) => found.inBooks !== null);
    expect(check).toMatchObject({ signed: true, inBooks: true });
    // A receipt with its amount changed is neither signed nor in the books.
    const changed = { ...receipt, body: { ...receipt.body, amount: 1 } };
    expect(await books.checkReceipt(changed, keys)).toMatchObject({ signed: false, inBooks: false });

    // A head kept now, then another sale: the later head extends the kept one.
    const earlier = check.head!;
    await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, JPY(300), "books-2");
    const later = await once(() => books.treeHead(), (head) => head !== null && head.size > earlier.size);
    expect(await books.extends(earlier, later!, keys)).toBe(true);
    expect(await books.extends({ ...earlier, root: later!.root }, later!, keys)).toBe(false);
  });

  it("gives each payment of the phone's history its own latest receipt (the page's receipts read together)", async () => {
    const shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const sales = [];
    for (const [n, amount] of [210, 320, 430].entries()) {
      sales.push(await register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, JPY(amount), `history-${n}`));
    }
    await register.voidPayment(sales[1].id);
    const page = await shopper.phone.payments(10);
    const signedBody = (json: string) => (JSON.parse(json) as { body: { kind: string; objectId: string } }).body;
    const kinds = Object.fromEntries(page.nodes.map((p) => [p.id, p.receipt && [signedBody(p.receipt.json).kind, signedBody(p.receipt.json).objectId]]));
    expect(kinds).toEqual({
      [sales[0].id]: ["payment.approved", sales[0].id],
      [sales[1].id]: ["payment.voided", sales[1].id],
      [sales[2].id]: ["payment.approved", sales[2].id],
    });
  });

  it("answers an unknown receipt with NOT_FOUND, and a consistency asked backwards with BAD_USER_INPUT", async () => {
    await expect(books.request(`query { receiptProof(receiptId: "0190f000-0000-7000-8000-000000000000") { leafIndex } }`)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(books.request(`query { booksConsistency(from: 5, to: 1) { path } }`)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });
});
