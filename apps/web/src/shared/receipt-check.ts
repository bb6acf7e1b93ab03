import { BooksClient } from "@clients/books";
import { WalletApiError } from "@clients/common";
import { verifyReceipt, type KeySet } from "@clients/wire/receipt";
import { readReceipt } from "./receipt-text";

/**
 * Checking a receipt in the browser, for the phone and the register alike (docs/books.md):
 * its signature against the center's published key set with WebCrypto, which needs no
 * network once the set has been fetched, and, when online, its place in the books
 * against a signed tree head. Every check is clients/wire's; this keeps the key set.
 * Screens load it when a receipt first shows (`import()`), so the gate never does.
 */

/** Where the center publishes its receipt keys (src/http/request-listener.ts RECEIPT_KEYS_PATH). */
export const RECEIPT_KEYS_PATH = "/.well-known/wallet-center/receipt-keys.json";

/** The key set as last fetched: public keys only, so localStorage is the right place. */
const STORED_KEYS = "wallet-center.receipt-keys";

/** "unchecked": no key set on this device yet (never online since it was first opened). */
export type Seal = "verified" | "not-verified" | "unchecked";

const isKeySet = (value: unknown): value is KeySet => Array.isArray((value as KeySet | null)?.keys);

function storedKeys(): KeySet | null {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORED_KEYS) ?? "null");
    return isKeySet(stored) ? stored : null;
  } catch {
    return null;
  }
}

async function fetchKeys(): Promise<KeySet> {
  // Not from the HTTP cache: with no network the set comes from localStorage, the one place it is kept.
  const answer = await fetch(new URL(RECEIPT_KEYS_PATH, location.origin), { cache: "no-store", headers: { accept: "application/json" } });
  if (!answer.ok) throw new Error(`the key set answered HTTP ${answer.status}`);
  const keys: unknown = await answer.json();
  if (!isKeySet(keys)) throw new Error("the key set is not one");
  localStorage.setItem(STORED_KEYS, JSON.stringify(keys));
  return keys;
}

/** A key set, and whether it came from the center just now or from this device's copy. */
interface HeldKeys {
  keys: KeySet;
  fresh: boolean;
}

// The receipts on screen at once share one fetch; the next check asks again.
let asking: Promise<HeldKeys | null> | null = null;

function heldKeys(): Promise<HeldKeys | null> {
  asking ??= fetchKeys()
    .then((keys) => ({ keys, fresh: true }), () => {
      const kept = storedKeys();
      return kept && { keys: kept, fresh: false };
    })
    .finally(() => (asking = null));
  return asking;
}

/**
 * The key set: fetched afresh for each check (a key added since is then known, and a
 * retired one's end), else the one kept from the last fetch, so a receipt checks with
 * no network. Null when this device never had one.
 */
export async function receiptKeySet(): Promise<KeySet | null> {
  return (await heldKeys())?.keys ?? null;
}

/** Whether the center signed this receipt, checked on this device. */
export async function sealOf(json: string): Promise<Seal> {
  const receipt = readReceipt(json);
  if (!receipt) return "not-verified";
  const held = await heldKeys();
  if (!held) return "unchecked";
  // A key newer than this device's copy is no forgery: only the center's own set can say so.
  if (!held.fresh && !held.keys.keys.some((key) => key.keyId === receipt.keyId)) return "unchecked";
  return (await verifyReceipt(receipt, held.keys)) ? "verified" : "not-verified";
}

/** Where the receipt stands in the books: at a place under a signed head, not sealed yet, absent, or not reachable now. */
export type BooksPlace = { state: "in-books"; leafIndex: number; size: number } | { state: "sealing" } | { state: "not-in-books" } | { state: "unreachable" };

/**
 * The receipt's inclusion proof (receiptProof) checked against the signed tree head it
 * comes with (clients/wire/merkle.ts, through BooksClient.checkReceipt). Needs the network.
 */
export async function booksPlaceOf(json: string): Promise<BooksPlace> {
  const receipt = readReceipt(json);
  if (!receipt) return { state: "not-in-books" };
  const keys = await receiptKeySet();
  if (!keys) return { state: "unreachable" };
  try {
    const check = await new BooksClient(location.origin).checkReceipt(receipt, keys);
    if (check.inBooks === null) return { state: "sealing" };
    return check.inBooks && check.leafIndex !== null && check.head ? { state: "in-books", leafIndex: check.leafIndex, size: check.head.size } : { state: "not-in-books" };
  } catch (error) {
    // The server answering that it has no such receipt is an answer; anything else leaves the question open.
    return error instanceof WalletApiError && error.code === "NOT_FOUND" ? { state: "not-in-books" } : { state: "unreachable" };
  }
}
