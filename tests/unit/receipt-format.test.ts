import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { toBase64url } from "../../clients/wire/base64url";
import {
  receiptBytes,
  receiptLeafData,
  storedReceiptLeafData,
  treeHeadBytes,
  verifyReceipt,
  verifyTreeHead,
  type KeySet,
  type ReceiptBody,
  type SignedReceipt,
} from "../../clients/wire/receipt";

/** A receipt key as the center keeps it, and the key set it publishes. */
function receiptKey(keyId: string, from: string, until?: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const published = { keyId, publicKey: publicKey.export({ format: "jwk" }).x!, use: "receipts" as const, from, ...(until ? { until } : {}) };
  return { privateKey, published };
}

const signed = (body: ReceiptBody, keyId: string, privateKey: KeyObject): SignedReceipt => ({
  body,
  keyId,
  signature: toBase64url(sign(null, receiptBytes(body), privateKey)),
});

const BODY: ReceiptBody = {
  type: "wallet-center/receipt",
  v: 1,
  id: "01JRECEIPT0000000000000001",
  kind: "payment.approved",
  objectId: "01JPAYMENT0000000000000001",
  at: "2026-12-01T10:15:00.000Z",
  amount: 1280,
  currency: "JPY",
  storeId: "01JSTORE00000000000000001",
  storeName: "Sunshine Mart Ebisu",
  approvalNumber: "482913",
  customerNumber: "0123456789",
};

describe("a receipt's format", () => {
  const current = receiptKey("receipts-2", "2026-11-01T00:00:00.000Z");
  const retired = receiptKey("receipts-1", "2026-01-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z");
  const keys: KeySet = { keys: [retired.published, current.published] };

  it("signs the JCS bytes: members sorted, no spaces, whatever order the object was built in", () => {
    const shuffled = Object.fromEntries(Object.entries(BODY).reverse()) as unknown as ReceiptBody;
    expect(new TextDecoder().decode(receiptBytes(shuffled))).toBe(
      '{"amount":1280,"approvalNumber":"482913","at":"2026-12-01T10:15:00.000Z","currency":"JPY","customerNumber":"0123456789",' +
        '"id":"01JRECEIPT0000000000000001","kind":"payment.approved","objectId":"01JPAYMENT0000000000000001","storeId":"01JSTORE00000000000000001",' +
        '"storeName":"Sunshine Mart Ebisu","type":"wallet-center/receipt","v":1}',
    );
    expect(receiptBytes(shuffled)).toEqual(receiptBytes(BODY));
  });

  it("verifies with the key that was signing when the receipt was decided", async () => {
    expect(await verifyReceipt(signed(BODY, "receipts-2", current.privateKey), keys)).toBe(true);
    const older = { ...BODY, at: "2026-06-01T00:00:00.000Z" };
    expect(await verifyReceipt(signed(older, "receipts-1", retired.privateKey), keys)).toBe(true);
  });

  it("refuses an amount changed, a key that was not signing then, another key's signature and garbage", async () => {
    const receipt = signed(BODY, "receipts-2", current.privateKey);
    expect(await verifyReceipt({ ...receipt, body: { ...BODY, amount: 128 } }, keys)).toBe(false);
    expect(await verifyReceipt(signed(BODY, "receipts-1", retired.privateKey), keys)).toBe(false);
    expect(await verifyReceipt({ ...signed(BODY, "receipts-2", retired.privateKey) }, keys)).toBe(false);
    expect(await verifyReceipt({ ...receipt, keyId: "unknown" }, keys)).toBe(false);
    expect(await verifyReceipt({ ...receipt, signature: "not-a-signature" }, keys)).toBe(false);
    expect(await verifyReceipt({ ...receipt, body: { ...BODY, at: "not a time" } }, keys)).toBe(false);
  });

  it("makes the leaf of the whole signed receipt, so a changed signature is another leaf", () => {
    const receipt = signed(BODY, "receipts-2", current.privateKey);
    const leaf = new TextDecoder().decode(receiptLeafData(receipt));
    expect(leaf.startsWith('{"body":{"amount":1280,')).toBe(true);
    expect(leaf.endsWith(`"keyId":"receipts-2","signature":"${receipt.signature}"}`)).toBe(true);
    // The leaf is the JCS of the whole signed receipt, however it is built.
    expect(leaf).toBe(canonicalize({ body: receipt.body, keyId: receipt.keyId, signature: receipt.signature }));
  });

  it("makes the same leaf from the stored canonical body as from the receipt, whatever its strings hold", () => {
    const body = { ...BODY, storeName: 'Café "Ünï" \\ \u2028 \u0007 東京' };
    const receipt = signed(body, "receipts-2", current.privateKey);
    const stored = new TextDecoder().decode(receiptBytes(receipt.body));
    expect(storedReceiptLeafData(stored, receipt.keyId, receipt.signature)).toEqual(receiptLeafData(receipt));
  });

  it("verifies a signed tree head, and refuses one whose size or root was changed", async () => {
    const head = { size: 42, root: toBase64url(new Uint8Array(32).fill(7)), at: "2026-12-01T10:15:05.000Z" };
    const signature = toBase64url(sign(null, treeHeadBytes(head), current.privateKey));
    expect(await verifyTreeHead({ ...head, keyId: "receipts-2", signature }, keys)).toBe(true);
    expect(await verifyTreeHead({ ...head, size: 41, keyId: "receipts-2", signature }, keys)).toBe(false);
    expect(await verifyTreeHead({ ...head, root: toBase64url(new Uint8Array(32)), keyId: "receipts-2", signature }, keys)).toBe(false);
  });
});
