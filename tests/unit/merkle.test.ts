import {
  CompactRange,
  EMPTY_ROOT,
  consistencyRanges,
  edgeOf,
  inclusionRanges,
  leafHash,
  perfectNodesOf,
  rangeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type Range,
} from "../../clients/wire/merkle";

/**
 * RFC 9162's tree against the test vectors Certificate Transparency's implementations
 * share (the eight leaves of RFC 6962's reference tests, their roots and proofs), then
 * proofs made and checked over many sizes, and every corruption a verifier must refuse.
 */
const hex = (text: string): Hash => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (hash: Hash) => Buffer.from(hash).toString("hex");

const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
/** [leaf index, tree size, proof]. */
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];
/** [first size, second size, proof]. */
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
  [6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
];

const leafHashes = LEAVES.map(leafHash);
/** A range's MTH the way the server makes it: from the perfect subtrees it is made of. */
const hashOfRange = (hashes: Hash[], range: Range) =>
  rangeHash(perfectNodesOf(range).map(([level, index]) => rootOf(hashes.slice(index * 2 ** level, (index + 1) * 2 ** level))));
const inclusionProof = (hashes: Hash[], index: number, size: number) => inclusionRanges(index, size).map((range) => hashOfRange(hashes, range));
const consistencyProof = (hashes: Hash[], first: number, second: number) => consistencyRanges(first, second).map((range) => hashOfRange(hashes, range));
const flipped = (hash: Hash, bit = 3) => Uint8Array.from(hash, (byte, i) => (i === 0 ? byte ^ (1 << bit) : byte));

describe("the RFC 9162 tree, against the shared test vectors", () => {
  it("makes each tree head of the eight leaves", () => {
    expect(toHex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(ROOTS.map((_, size) => toHex(rootOf(leafHashes.slice(0, size + 1))))).toEqual(ROOTS);
  });

  it.each(INCLUSION)("makes and checks the inclusion proof of leaf %i in a tree of %i", (index, size, expected) => {
    const proof = inclusionProof(leafHashes, index, size);
    expect(proof.map(toHex)).toEqual(expected);
    expect(verifyInclusion(index, size, leafHashes[index], proof, hex(ROOTS[size - 1]))).toBe(true);
  });

  it.each(CONSISTENCY)("makes and checks the consistency proof from %i leaves to %i", (first, second, expected) => {
    const proof = consistencyProof(leafHashes, first, second);
    expect(proof.map(toHex)).toEqual(expected);
    expect(verifyConsistency(first, second, proof, hex(ROOTS[first - 1]), hex(ROOTS[second - 1]))).toBe(true);
  });
});

describe("proofs a verifier must refuse", () => {
  it.each(INCLUSION)("refuses every corruption of the inclusion proof of leaf %i in %i", (index, size, expected) => {
    const proof = expected.map(hex);
    const root = hex(ROOTS[size - 1]);
    const leaf = leafHashes[index];
    const wrong: Array<[string, boolean]> = [
      ["index - 1", verifyInclusion(index - 1, size, leaf, proof, root)],
      ["index + 1", verifyInclusion(index + 1, size, leaf, proof, root)],
      ["index ^ 2", verifyInclusion(index ^ 2, size, leaf, proof, root)],
      ["size * 2", verifyInclusion(index, size * 2, leaf, proof, root)],
      ["size / 2", verifyInclusion(index, Math.floor(size / 2), leaf, proof, root)],
      ["another leaf", verifyInclusion(index, size, leafHash(new TextEncoder().encode("WrongLeaf")), proof, root)],
      ["the empty root", verifyInclusion(index, size, leaf, proof, EMPTY_ROOT)],
      ["trailing root", verifyInclusion(index, size, leaf, [...proof, root], root)],
      ["preceding root", verifyInclusion(index, size, leaf, [root, ...proof], root)],
      ["a short hash", verifyInclusion(index, size, leaf, [...proof.slice(0, -1), proof[proof.length - 1].slice(1)], root)],
      ["removed component", verifyInclusion(index, size, leaf, proof.slice(0, -1), root)],
      ...proof.map((_, i): [string, boolean] => [`flipped bit in proof[${i}]`, verifyInclusion(index, size, leaf, proof.map((h, j) => (j === i ? flipped(h) : h)), root)]),
    ];
    expect(wrong.filter(([, verified]) => verified).map(([what]) => what)).toEqual([]);
  });

  it.each(CONSISTENCY)("refuses every corruption of the consistency proof from %i to %i", (first, second, expected) => {
    const proof = expected.map(hex);
    const [root1, root2] = [hex(ROOTS[first - 1]), hex(ROOTS[second - 1])];
    const wrong: Array<[string, boolean]> = [
      ["first - 1", verifyConsistency(first - 1, second, proof, root1, root2)],
      ["first + 1", verifyConsistency(first + 1, second, proof, root1, root2)],
      ["first ^ 2", verifyConsistency(first ^ 2, second, proof, root1, root2)],
      ["second * 2", verifyConsistency(first, second * 2, proof, root1, root2)],
      ["second / 2", verifyConsistency(first, Math.floor(second / 2), proof, root1, root2)],
      ["swapped roots", verifyConsistency(first, second, proof, root2, root1)],
      ["empty proof", verifyConsistency(first, second, [], root1, root2)],
      ["trailing root", verifyConsistency(first, second, [...proof, root2], root1, root2)],
      ["preceding root", verifyConsistency(first, second, [root1, ...proof], root1, root2)],
      ["truncated", verifyConsistency(first, second, proof.slice(0, -1), root1, root2)],
      ...proof.map((_, i): [string, boolean] => [`flipped bit in proof[${i}]`, verifyConsistency(first, second, proof.map((h, j) => (j === i ? flipped(h, 4) : h)), root1, root2)]),
    ];
    expect(wrong.filter(([, verified]) => verified).map(([what]) => what)).toEqual([]);
  });

  it("takes the trivial cases as the RFC does: any tree extends the empty one, a tree only its own head", () => {
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, hex(ROOTS[4]))).toBe(true);
    expect(verifyConsistency(5, 5, [], hex(ROOTS[4]), hex(ROOTS[4]))).toBe(true);
    expect(verifyConsistency(5, 5, [], hex(ROOTS[4]), hex(ROOTS[3]))).toBe(false);
    expect(verifyConsistency(5, 4, [], hex(ROOTS[4]), hex(ROOTS[3]))).toBe(false);
    expect(verifyInclusion(0, 1, leafHashes[0], [], leafHashes[0])).toBe(true);
    expect(verifyInclusion(0, 0, leafHashes[0], [], leafHashes[0])).toBe(false);
  });
});

describe("a tree kept by its right edge", () => {
  const many = Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`receipt ${i}`)));

  it("has the head the RFC's recursion gives at every size, and keeps every perfect subtree it closes", () => {
    const tree = CompactRange.empty();
    const kept = new Map<string, Hash>();
    for (let size = 0; size < many.length; size++) {
      expect(toHex(tree.root())).toBe(toHex(rootOf(many.slice(0, size))));
      for (const node of tree.append(many[size])) kept.set(`${node.level}/${node.index}`, node.hash);
    }
    for (const [key, hash] of kept) {
      const [level, index] = key.split("/").map(Number);
      expect(toHex(hash)).toBe(toHex(rootOf(many.slice(index * 2 ** level, (index + 1) * 2 ** level))));
    }
    // Taken up again from its edge, it goes on as if it had never stopped.
    const again = CompactRange.of(tree.leaves, edgeOf(tree.leaves).map(([level, index]) => kept.get(`${level}/${index}`)!));
    expect(toHex(again.root())).toBe(toHex(tree.root()));
  });

  it("proves every leaf of every size up to 40, and every extension between sizes, from the subtrees kept", () => {
    for (let size = 1; size <= many.length; size++) {
      const root = rootOf(many.slice(0, size));
      for (let index = 0; index < size; index++) expect(verifyInclusion(index, size, many[index], inclusionProof(many, index, size), root)).toBe(true);
      for (let first = 1; first < size; first++) {
        expect(verifyConsistency(first, size, consistencyProof(many, first, size), rootOf(many.slice(0, first)), root)).toBe(true);
      }
    }
  });
});
