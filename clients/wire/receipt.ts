import canonicalize from "canonicalize";
import { fromBase64url } from "./base64url";
import { leafHash, type Hash } from "./merkle";

/**
 * A receipt: what the center decided, signed with its receipt key, so the customer, the
 * store, the biller or the venue can check it themselves, offline, with the published
 * key set. Its bytes are the JSON canonicalization of RFC 8785 (JCS): the same object
 * gives the same bytes in every language. It names no card number and no phone number;
 * the customer appears only as the store-scoped customer number.
 */

export const RECEIPT_KINDS = [
  "payment.approved",
  "payment.declined",
  "payment.voided",
  "payment.refunded",
  "payment.authorized",
  "payment.captured",
  "payment.released",
  "bill.collected",
  "bill.reversed",
  "points.earned",
  "points.redeemed",
  "points.returned",
  "points.taken_back",
  "points.adjusted",
  "ticket.admitted",
  "ticket.exited",
] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

/** What a receipt says. Fields that do not apply to its kind are absent, never null. */
export interface ReceiptBody {
  type: "wallet-center/receipt";
  v: 1;
  /** The receipt's own id. */
  id: string;
  kind: ReceiptKind;
  /** The payment, refund, bill, point movement or admission it is about. */
  objectId: string;
  /** When it was decided (ISO 8601, UTC, milliseconds). */
  at: string;
  amount?: number;
  currency?: string;
  storeId?: string;
  storeName?: string;
  approvalNumber?: string;
  customerNumber?: string;
  /** The payment a refund, a void or points belong to. */
  paymentId?: string;
  billId?: string;
  points?: number;
  programId?: string;
  eventId?: string;
  ticketId?: string;
  gate?: string;
}

export interface SignedReceipt {
  body: ReceiptBody;
  /** The published key that signed it. */
  keyId: string;
  /** Ed25519 over `receiptBytes(body)`, base64url. */
  signature: string;
}

/** A signed tree head: the books' size and root at a moment, signed with the receipt key. */
export interface TreeHead {
  size: number;
  /** base64url of the 32-byte root (RFC 9162 MTH). */
  root: string;
  at: string;
  keyId: string;
  signature: string;
}

/** A key of the center's, as the key set publishes it: what it signs and when it did. */
export interface PublishedKey {
  keyId: string;
  /** Ed25519 public key, base64url of its 32 raw bytes. */
  publicKey: string;
  use: "receipts";
  /** It signs from this moment... */
  from: string;
  /** ...until this one (absent while it is the current key). */
  until?: string;
}

export interface KeySet {
  keys: PublishedKey[];
}

const encoder = new TextEncoder();

function canonicalText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("nothing to canonicalize");
  return text;
}

function canonicalBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return encoder.encode(canonicalText(value));
}

/** The bytes a receipt's signature covers. */
export const receiptBytes = (body: ReceiptBody): Uint8Array<ArrayBuffer> => canonicalBytes(body);

/** The bytes a tree head's signature covers. */
export const treeHeadBytes = (head: Pick<TreeHead, "size" | "root" | "at">): Uint8Array<ArrayBuffer> =>
  canonicalBytes({ type: "wallet-center/tree-head", v: 1, size: head.size, root: head.root, at: head.at });

/** The receipt as a leaf of the books: the whole signed receipt, so the log holds exactly what its holder holds. */
export const receiptLeafData = (receipt: SignedReceipt): Uint8Array<ArrayBuffer> =>
  storedReceiptLeafData(canonicalText(receipt.body), receipt.keyId, receipt.signature);

export const receiptLeafHash = (receipt: SignedReceipt): Hash => leafHash(receiptLeafData(receipt));

/**
 * The same leaf, from a receipt's body as its canonical text (the exact bytes it was
 * signed over, as the center stores them), so the books' sealer hashes what it stored
 * without parsing and canonicalizing it again. JCS of {body, keyId, signature}: the keys
 * in that order, the body already canonical, each string as JSON.stringify writes it.
 */
export function storedReceiptLeafData(canonicalBody: string, keyId: string, signature: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`{"body":${canonicalBody},"keyId":${JSON.stringify(keyId)},"signature":${JSON.stringify(signature)}}`);
}

/** The key of `keyId` that was signing at `at`; null when none was. */
export function signingKeyAt(keys: KeySet, keyId: string, at: string): PublishedKey | null {
  const moment = Date.parse(at);
  if (Number.isNaN(moment)) return null;
  const key = keys.keys.find((k) => k.keyId === keyId && k.use === "receipts");
  if (!key || moment < Date.parse(key.from) || (key.until !== undefined && moment >= Date.parse(key.until))) return null;
  return key;
}

async function verifyEd25519(publicKey: string, signature: string, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("raw", fromBase64url(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64url(signature), bytes);
  } catch {
    // A key or a signature that is not Ed25519's shape proves nothing.
    return false;
  }
}

/** Whether `receipt` was signed by the center's key that was signing when it was decided (WebCrypto: Node and browsers). */
export async function verifyReceipt(receipt: SignedReceipt, keys: KeySet): Promise<boolean> {
  if (receipt?.body?.type !== "wallet-center/receipt" || receipt.body.v !== 1) return false;
  const key = signingKeyAt(keys, receipt.keyId, receipt.body.at);
  return key !== null && verifyEd25519(key.publicKey, receipt.signature, receiptBytes(receipt.body));
}

/** Whether `head` was signed by the center's key that was signing at its moment. */
export async function verifyTreeHead(head: TreeHead, keys: KeySet): Promise<boolean> {
  if (!Number.isSafeInteger(head?.size) || head.size < 0) return false;
  const key = signingKeyAt(keys, head.keyId, head.at);
  return key !== null && verifyEd25519(key.publicKey, head.signature, treeHeadBytes(head));
}
