import { sha256 } from "@noble/hashes/sha2";

/**
 * The books' Merkle tree, as RFC 9162 (Certificate Transparency 2.0) defines it, §2.1:
 * a leaf hashes as SHA-256(0x00 || data), an inner node as SHA-256(0x01 || left || right),
 * and a tree of n leaves splits at the largest power of two below n. The server builds it
 * from stored nodes; the phone, a register and an auditor check its proofs with the
 * verifiers here, which need nothing but the hashes (synchronous, in Node and browsers).
 */

export type Hash = Uint8Array;

/** [start, end): leaves start..end-1. */
export type Range = readonly [number, number];

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const HASH_BYTES = 32;

export function leafHash(data: Uint8Array): Hash {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** MTH of the empty tree: the hash of nothing. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of the leaf hashes given, by the RFC's recursion. */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/**
 * The ranges whose MTH make the inclusion proof of leaf `index` in a tree of `size`
 * (PATH(m, D[n]), §2.1.3.1), leaf side first. The caller hashes each range.
 */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new RangeError("no such leaf in a tree of this size");
  const path = (m: number, start: number, end: number): Range[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, start + k), [start + k, end]] : [...path(m - k, start + k, end), [start, start + k]];
  };
  return path(index, 0, size);
}

/**
 * The ranges whose MTH make the consistency proof from a tree of `first` leaves to one
 * of `second` (PROOF(m, D[n]), §2.1.4.1). Empty when the first is empty or the same size.
 */
export function consistencyRanges(first: number, second: number): Range[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) throw new RangeError("a consistency proof goes from a smaller tree to a larger one");
  if (first === 0 || first === second) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): Range[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [[start, end]];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, whole), [start + k, end]]
      : [...subproof(m - k, start + k, end, false), [start, start + k]];
  };
  return subproof(first, 0, second, true);
}

/** The perfect subtrees a range is made of, left to right: [level, index] covers leaves index·2^level .. (index+1)·2^level - 1. */
export function perfectNodesOf([start, end]: Range): Array<[number, number]> {
  const nodes: Array<[number, number]> = [];
  let at = start;
  while (at < end) {
    let level = 0;
    // The largest aligned perfect subtree that starts here and fits.
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    nodes.push([level, at / 2 ** level]);
    at += 2 ** level;
  }
  return nodes;
}

/**
 * MTH of a range from the hashes of its perfect subtrees (`perfectNodesOf`), for a range
 * a proof names: those start where their subtree does, so the RFC's split and the
 * perfect subtrees agree and the fold goes right to left.
 */
export function rangeHash(nodes: readonly Hash[]): Hash {
  if (nodes.length === 0) throw new RangeError("an empty range has no hash");
  let hash = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i--) hash = nodeHash(nodes[i], hash);
  return hash;
}

const equal = (a: Hash, b: Hash) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const wellFormed = (path: readonly Hash[]) => path.every((hash) => hash.length === HASH_BYTES);

/** Whether `path` proves the leaf hash `leaf` is leaf `index` of the tree of `size` whose head is `root` (§2.1.3.2). */
export function verifyInclusion(index: number, size: number, leaf: Hash, path: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || !wellFormed(path)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** Whether `path` proves the tree of `second` leaves (head `secondRoot`) extends the one of `first` leaves (head `firstRoot`) (§2.1.4.2). */
export function verifyConsistency(first: number, second: number, path: readonly Hash[], firstRoot: Hash, secondRoot: Hash): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second || !wellFormed(path)) return false;
  if (first === second) return path.length === 0 && equal(firstRoot, secondRoot);
  // Every tree extends the empty one.
  if (first === 0) return path.length === 0;
  if (path.length === 0) return false;
  const isPowerOfTwo = (first & (first - 1)) === 0;
  const proof = isPowerOfTwo ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/**
 * The right edge of a tree: one perfect subtree per set bit of its size, largest first.
 * Appending a leaf completes the perfect subtrees it closes (each returned, to be kept for
 * proofs), and the root folds the edge from the right: the sealer keeps a tree this way
 * in O(log n) memory, whatever its size.
 */
export class CompactRange {
  private constructor(
    private size: number,
    private readonly edge: Hash[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** A tree of `size` leaves from its edge's hashes (`edgeOf(size)` names them). */
  static of(size: number, edge: readonly Hash[]): CompactRange {
    if (edge.length !== edgeOf(size).length) throw new RangeError("the edge does not fit the size");
    return new CompactRange(size, [...edge]);
  }

  get leaves(): number {
    return this.size;
  }

  /** Adds a leaf; returns every perfect subtree it completed, the leaf itself first. */
  append(leaf: Hash): Array<{ level: number; index: number; hash: Hash }> {
    const completed = [{ level: 0, index: this.size, hash: leaf }];
    let hash = leaf;
    let index = this.size;
    let level = 0;
    while (index % 2 === 1) {
      hash = nodeHash(this.edge.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      completed.push({ level, index, hash });
    }
    this.edge.push(hash);
    this.size++;
    return completed;
  }

  root(): Hash {
    return this.edge.length === 0 ? EMPTY_ROOT : rangeHash(this.edge);
  }

  /** The edge's hashes, largest subtree first (what `of` takes back). */
  hashes(): Hash[] {
    return [...this.edge];
  }
}

/** The perfect subtrees of a tree's right edge, [level, index], largest first. */
export function edgeOf(size: number): Array<[number, number]> {
  return size === 0 ? [] : perfectNodesOf([0, size]);
}
