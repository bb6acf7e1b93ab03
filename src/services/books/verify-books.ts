import { createPublicKey, verify } from "node:crypto";
import canonicalize from "canonicalize";
import type { EntityManager } from "typeorm";
import { TreeHeadEntity } from "../../entities";
import { headOf } from "./books.service";
import { fromBase64url, toBase64url } from "../../../clients/wire/base64url";
import { CompactRange } from "../../../clients/wire/merkle";
import { receiptBytes, receiptLeafHash, signingKeyAt, treeHeadBytes, type KeySet, type ReceiptBody, type SignedReceipt, type TreeHead } from "../../../clients/wire/receipt";

/** One thing wrong with the books, naming the first entry where it shows. */
export interface Finding {
  /** The leaf index where it shows; null for a receipt not yet in the log. */
  leafIndex: number | null;
  receiptId: string | null;
  problem: string;
}

export interface BooksReport {
  /** Receipts read in the log, in order. */
  leaves: number;
  unsealed: number;
  /**
   * Sealed receipts whose bodies were dropped after the retention period: their leaves
   * (the hashes sealed for them) still count in every root, so the books still verify,
   * but their content and signatures can no longer be read.
   */
  dropped: number;
  headsChecked: number;
  findings: Finding[];
}

const PAGE = 2000;

/** An Ed25519 signature by a published key that was signing at `at` (node:crypto: the whole log is checked at once). */
function signedBy(keys: KeySet, keyId: string, at: string, signature: string, bytes: Uint8Array): boolean {
  const key = signingKeyAt(keys, keyId, at);
  if (!key) return false;
  try {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.publicKey }, format: "jwk" });
    return verify(null, bytes, publicKey, Buffer.from(fromBase64url(signature)));
  } catch {
    return false;
  }
}

/** What a receipt row says is wrong with it on its own: not the signed canonical body, or not signed by a key of ours. */
function problemOf(row: { body: string | null; keyId: string; signature: string }, keys: KeySet): string | null {
  if (row.body === null) return "its body is missing, and it is not marked dropped after retention";
  let body: ReceiptBody;
  try {
    body = JSON.parse(row.body) as ReceiptBody;
  } catch {
    return "its body is not JSON";
  }
  if (canonicalize(body) !== row.body) return "its body is not in canonical form";
  if (!signedBy(keys, row.keyId, body.at, row.signature, receiptBytes(body))) return "its signature does not verify (changed, or not signed by the center)";
  return null;
}

/**
 * Recomputes the books from the database and checks them: every receipt's signature,
 * the leaf order (0, 1, 2, ... with no gap or repeat), each leaf against the node the
 * sealer stored for it, and every signed tree head (and any head an outsider kept)
 * against the root recomputed at its size. An amount edited, a row deleted, inserted or
 * moved: each breaks one of these, and the report names the first entry where it shows.
 */
export async function verifyBooks(m: EntityManager, keys: KeySet, kept: TreeHead[] = []): Promise<BooksReport> {
  const findings: Finding[] = [];
  const signedHeads = (await m.find(TreeHeadEntity, { order: { size: "ASC" } })).map(headOf);
  for (const head of signedHeads) {
    if (!signedBy(keys, head.keyId, head.at, head.signature, treeHeadBytes(head))) {
      findings.push({ leafIndex: head.size, receiptId: null, problem: `the tree head of size ${head.size} is not signed by the center` });
    }
  }
  const checks = [...signedHeads.map((head) => ({ head, whose: "the signed tree head" })), ...kept.map((head) => ({ head, whose: "the tree head kept outside" }))].sort(
    (a, b) => a.head.size - b.head.size,
  );
  const tree = CompactRange.empty();
  let dropped = 0;
  let next = 0;
  let checked = 0;
  const checkHeadsUpTo = (size: number) => {
    while (next < checks.length && checks[next].head.size <= size) {
      const { head, whose } = checks[next++];
      if (head.size !== size) continue;
      checked++;
      if (toBase64url(tree.root()) !== head.root) {
        findings.push({ leafIndex: size - 1, receiptId: null, problem: `${whose} of size ${size} does not match the books recomputed up to it` });
      }
    }
  };
  checkHeadsUpTo(0);
  for (let after = -1; ; ) {
    const rows = (await m.query(
      "SELECT r.id, r.body, r.keyId, r.signature, r.leafIndex, r.droppedAt, n.hash FROM receipts r LEFT JOIN merkle_nodes n ON n.level = 0 AND n.idx = r.leafIndex " +
        "WHERE r.leafIndex > ? ORDER BY r.leafIndex LIMIT ?",
      [after, PAGE],
    )) as Array<{ id: string; body: string | null; keyId: string; signature: string; leafIndex: number | string; droppedAt: unknown; hash: string | null }>;
    for (const row of rows) {
      const leafIndex = Number(row.leafIndex);
      if (leafIndex !== tree.leaves) {
        findings.push({
          leafIndex: tree.leaves,
          receiptId: leafIndex < tree.leaves ? row.id : null,
          problem: leafIndex < tree.leaves ? `two receipts hold place ${leafIndex}` : `the receipt at place ${tree.leaves} is missing`,
        });
        return { leaves: tree.leaves, unsealed: await unsealed(m, keys, findings), dropped, headsChecked: checked, findings };
      }
      if (row.body === null && row.droppedAt !== null) {
        // Dropped after retention: the leaf sealed for it stands in for it.
        dropped++;
        if (row.hash === null) {
          findings.push({ leafIndex, receiptId: row.id, problem: "its body was dropped and the books have no leaf for it" });
          return { leaves: tree.leaves, unsealed: await unsealed(m, keys, findings), dropped, headsChecked: checked, findings };
        }
        tree.append(fromBase64url(row.hash));
        checkHeadsUpTo(tree.leaves);
        after = leafIndex;
        continue;
      }
      const problem = problemOf(row, keys);
      if (problem) findings.push({ leafIndex, receiptId: row.id, problem });
      if (row.body === null) {
        // A body removed without the retention mark (problemOf reported it): the leaf sealed for it keeps the roots.
        if (row.hash === null) return { leaves: tree.leaves, unsealed: await unsealed(m, keys, findings), dropped, headsChecked: checked, findings };
        tree.append(fromBase64url(row.hash));
        checkHeadsUpTo(tree.leaves);
        after = leafIndex;
        continue;
      }
      const receipt: SignedReceipt = { body: JSON.parse(row.body) as ReceiptBody, keyId: row.keyId, signature: row.signature };
      const leaf = receiptLeafHash(receipt);
      if (row.hash !== toBase64url(leaf)) findings.push({ leafIndex, receiptId: row.id, problem: "it is not the receipt that was sealed at its place" });
      tree.append(leaf);
      checkHeadsUpTo(tree.leaves);
      after = leafIndex;
    }
    if (rows.length < PAGE) break;
  }
  for (; next < checks.length; next++) {
    const { head, whose } = checks[next];
    findings.push({ leafIndex: tree.leaves, receiptId: null, problem: `${whose} of size ${head.size} names more receipts than the books hold (${tree.leaves})` });
  }
  return { leaves: tree.leaves, unsealed: await unsealed(m, keys, findings), dropped, headsChecked: checked, findings };
}

/** Receipts waiting for the sealer: each must be signed too (a row slipped in is not). */
async function unsealed(m: EntityManager, keys: KeySet, findings: Finding[]): Promise<number> {
  const rows = (await m.query("SELECT id, body, keyId, signature FROM receipts WHERE leafIndex IS NULL ORDER BY id")) as Array<{ id: string; body: string | null; keyId: string; signature: string }>;
  for (const row of rows) {
    const problem = problemOf(row, keys);
    if (problem) findings.push({ leafIndex: null, receiptId: row.id, problem });
  }
  return rows.length;
}
