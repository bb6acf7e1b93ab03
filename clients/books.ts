import { WalletClient, type ClientOptions } from "./common";
import { graphql } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import { fromBase64url } from "./wire/base64url";
import { verifyConsistency, verifyInclusion } from "./wire/merkle";
import { receiptLeafHash, verifyReceipt, verifyTreeHead, type KeySet, type SignedReceipt, type TreeHead } from "./wire/receipt";

export type { KeySet, SignedReceipt, TreeHead } from "./wire/receipt";

const ReceiptKeys = graphql(`query ReceiptKeys { receiptKeys { keyId publicKey use from until } }`);
const LatestTreeHead = graphql(`query LatestTreeHead { treeHead { size root at keyId signature } }`);
const ReceiptProof = graphql(
  `query ReceiptProof($id: ID!) { receiptProof(receiptId: $id) { receipt { json } leafIndex treeHead { size root at keyId signature } path } }`,
);
const BooksConsistency = graphql(
  `query BooksConsistency($from: Int!, $to: Int!) {
    booksConsistency(from: $from, to: $to) { from { size root at keyId signature } to { size root at keyId signature } path } }`,
);
const BooksSealed = graphql(`subscription BooksSealed { booksSealed { size root at keyId signature } }`);

/** What checking a receipt found: signed by the center's key, and (once sealed) in the books under a signed head. */
export interface ReceiptCheck {
  signed: boolean;
  /** Null while the sealer has not reached it yet (a few seconds). */
  inBooks: boolean | null;
  head: TreeHead | null;
  /** Its place in the books (from 0), once sealed. */
  leafIndex: number | null;
}

const asHead = (head: { size: number; root: string; at: string; keyId: string; signature: string }): TreeHead => ({ ...head, at: new Date(head.at).toISOString() });

/**
 * The books, as anyone checks them (docs/books.md): no credential. Every check is made
 * here, with the key set and the formats in ./wire; the server only supplies the proofs.
 */
export class BooksClient extends WalletClient {
  /** A socket without a credential, opened on the first subscription. */
  readonly live: LiveConnection;

  constructor(url: string, options?: ClientOptions) {
    super(url, null, options);
    this.live = new LiveConnection(url, () => null, options);
  }

  /**
   * Live: each tree head the sealer signs (check it with `verifyTreeHead`, and a kept one
   * against it with `extends`). A head signed while the socket was down is not sent again;
   * `treeHead()` gives the latest, and a consistency proof covers any gap.
   */
  booksSealed(): LiveFeed<TreeHead> {
    return this.live.subscribe(BooksSealed, (data) => asHead(data.booksSealed));
  }

  async keySet(): Promise<KeySet> {
    const { receiptKeys } = await this.request(ReceiptKeys);
    return {
      keys: receiptKeys.map((key) => ({
        keyId: key.keyId,
        publicKey: key.publicKey,
        use: "receipts" as const,
        from: new Date(key.from).toISOString(),
        ...(key.until ? { until: new Date(key.until).toISOString() } : {}),
      })),
    };
  }

  async treeHead(): Promise<TreeHead | null> {
    const { treeHead } = await this.request(LatestTreeHead);
    return treeHead && asHead(treeHead);
  }

  /** Checks a receipt (as its holder has it) against `keys`, and its inclusion proof against a signed head. */
  async checkReceipt(receipt: SignedReceipt, keys: KeySet): Promise<ReceiptCheck> {
    const signed = await verifyReceipt(receipt, keys);
    const { receiptProof } = await this.request(ReceiptProof, { id: receipt.body.id });
    if (receiptProof.leafIndex === null || !receiptProof.treeHead) return { signed, inBooks: null, head: null, leafIndex: null };
    const head = asHead(receiptProof.treeHead);
    const path = receiptProof.path.map(fromBase64url);
    const included = verifyInclusion(receiptProof.leafIndex, head.size, receiptLeafHash(receipt), path, fromBase64url(head.root));
    return { signed, inBooks: included && (await verifyTreeHead(head, keys)), head, leafIndex: receiptProof.leafIndex };
  }

  /** Whether the books under `later` are those under `earlier` with entries added: none changed or removed. */
  async extends(earlier: TreeHead, later: TreeHead, keys: KeySet): Promise<boolean> {
    if (!(await verifyTreeHead(earlier, keys)) || !(await verifyTreeHead(later, keys))) return false;
    const { booksConsistency } = await this.request(BooksConsistency, { from: earlier.size, to: later.size });
    const path = booksConsistency.path.map(fromBase64url);
    return verifyConsistency(earlier.size, later.size, path, fromBase64url(earlier.root), fromBase64url(later.root));
  }
}

/** A receipt from its JSON (a QR's text, a webhook's `receipt`, `Receipt.json`). */
export const parseReceipt = (json: string): SignedReceipt => JSON.parse(json) as SignedReceipt;
