import type { EntityManager } from "typeorm";
import type { Db } from "../../database";
import { fromBase64url } from "../../../clients/wire/base64url";
import { edgeOf, perfectNodesOf, rangeHash, type Hash, type Range } from "../../../clients/wire/merkle";

/**
 * The stored perfect subtrees (entities/merkle-node.entity.ts), read in one query per
 * question: a proof of a tree of n leaves needs O(log² n) of them at most.
 */
async function nodes(m: EntityManager, wanted: Array<[number, number]>): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
  if (wanted.length === 0) return found;
  const unique = [...new Map(wanted.map(([level, idx]) => [`${level}/${idx}`, [level, idx] as const])).values()];
  const condition = unique.map(() => "(level = ? AND idx = ?)").join(" OR ");
  const rows = await m.query(`SELECT level, idx, hash FROM merkle_nodes WHERE ${condition}`, unique.flat());
  for (const row of rows as Array<{ level: number; idx: number | string; hash: string }>) found.set(`${row.level}/${Number(row.idx)}`, fromBase64url(row.hash));
  return found;
}

/** A node every sealed tree has: missing means the books were changed under us. */
function take(found: Map<string, Hash>, level: number, idx: number): Hash {
  const hash = found.get(`${level}/${idx}`);
  if (!hash) throw new BooksDamaged(`the books have no node ${level}/${idx}`);
  return hash;
}

/** The hashes of the right edge of the tree of `size` leaves, largest subtree first. */
export async function edgeHashes(db: Db, size: number): Promise<Hash[]> {
  const edge = edgeOf(size);
  const found = await db.read((m) => nodes(m, edge), { fresh: true });
  return edge.map(([level, idx]) => take(found, level, idx));
}

/** Each range's MTH (the ranges a proof names), from the stored subtrees. */
export async function rangeHashes(m: EntityManager, ranges: readonly Range[]): Promise<Hash[]> {
  const parts = ranges.map((range) => perfectNodesOf(range));
  const found = await nodes(m, parts.flat());
  return parts.map((part) => rangeHash(part.map(([level, idx]) => take(found, level, idx))));
}

/** The stored books lack what a sealed tree must have. */
export class BooksDamaged extends Error {}

