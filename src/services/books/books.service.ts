import { ReceiptEntity, TreeHeadEntity } from "../../entities";
import { toBase64url } from "../../../clients/wire/base64url";
import { consistencyRanges, inclusionRanges } from "../../../clients/wire/merkle";
import type { SignedReceipt, TreeHead } from "../../../clients/wire/receipt";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { rangeHashes } from "./merkle-nodes";
import { signedReceiptOf } from "./receipts.service";

/** A receipt and where it stands in the books: its leaf and the path to a signed head, once sealed. */
export interface ReceiptProof {
  receipt: SignedReceipt;
  /** Null until the sealer has reached it (within a few seconds). */
  leafIndex: number | null;
  head: TreeHead | null;
  /** base64url hashes, leaf side first (RFC 9162 §2.1.3). */
  path: string[];
}

export interface Consistency {
  from: TreeHead;
  to: TreeHead;
  /** base64url hashes (RFC 9162 §2.1.4). */
  path: string[];
}

/**
 * The books as anyone may check them: the signed tree heads, a receipt's inclusion proof
 * against the latest head, and the consistency proof between two heads, which shows the
 * later books are the earlier ones with entries added, none changed or removed.
 */
export class BooksService {
  constructor(private readonly deps: ServiceDeps) {}

  async latestHead(): Promise<TreeHead | null> {
    const [latest] = await this.deps.db.read((m) => m.find(TreeHeadEntity, { order: { size: "DESC" }, take: 1 }), { fresh: true });
    return latest ? headOf(latest) : null;
  }

  /** A receipt by its id (anyone holding a receipt holds its id), with its inclusion proof. */
  async receiptProof(receiptId: string): Promise<ReceiptProof> {
    return this.deps.db.read(
      async (m) => {
        const row = await m.findOneBy(ReceiptEntity, { id: receiptId });
        if (!row) return notFound("receipt");
        if (row.body === null) return fail(ErrorCode.NOT_FOUND, "receipt dropped after the retention period (its leaf stays in the books)", { dropped: true });
        const receipt = signedReceiptOf(row);
        const [latest] = await m.find(TreeHeadEntity, { order: { size: "DESC" }, take: 1 });
        if (row.leafIndex === null || !latest || row.leafIndex >= latest.size) return { receipt, leafIndex: null, head: null, path: [] };
        const path = await rangeHashes(m, inclusionRanges(row.leafIndex, latest.size));
        return { receipt, leafIndex: row.leafIndex, head: headOf(latest), path: path.map(toBase64url) };
      },
      { fresh: true },
    );
  }

  /** The proof that the books of `to` receipts extend those of `from`; both must be sizes of signed heads. */
  async consistency(from: number, to: number): Promise<Consistency> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
      badInput("from and to are sizes of the books, from no larger than to", { field: "from" });
    }
    return this.deps.db.read(
      async (m) => {
        const [first, second] = await Promise.all([m.findOneBy(TreeHeadEntity, { size: from }), m.findOneBy(TreeHeadEntity, { size: to })]);
        if (!first || !second) return notFound("tree head");
        const path = await rangeHashes(m, consistencyRanges(from, to));
        return { from: headOf(first), to: headOf(second), path: path.map(toBase64url) };
      },
      { fresh: true },
    );
  }
}

export function headOf(row: TreeHeadEntity): TreeHead {
  return { size: row.size, root: row.root, at: row.at.toISOString(), keyId: row.keyId, signature: row.signature };
}
