import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { isUniqueViolation, type Tx } from "../../database";
import { BooksLeaseEntity, TreeHeadEntity } from "../../entities";
import { toBase64url } from "../../../clients/wire/base64url";
import { CompactRange, leafHash, type Hash } from "../../../clients/wire/merkle";
import { storedReceiptLeafData, treeHeadBytes, type TreeHead } from "../../../clients/wire/receipt";
import type { ServiceDeps } from "../kernel/deps";
import { edgeHashes } from "./merkle-nodes";

const LEASE = "books";
/**
 * Receipts sealed in one transaction, at most: about twice as many tree nodes written, in
 * statements of NODES_PER_INSERT rows, well under any statement limit. Under load a batch
 * costs most of its time waiting for a pooled connection and for its round trips, not in
 * its rows: a large batch is what lets the books keep up with a thousand registers.
 */
const BATCH = 2000;
const NODES_PER_INSERT = 1000;
const WAITING_SQL = `SELECT id, body, keyId, signature FROM receipts WHERE leafIndex IS NULL ORDER BY id LIMIT ${BATCH}`;

/** A receipt waiting for its place in the books, as the sealer reads it. */
interface WaitingReceipt {
  id: string;
  body: string | null;
  keyId: string;
  signature: string;
}

/** The lease was taken by another instance while this one was sealing: its batch is not written. */
class LeaseLost extends Error {}

/**
 * The books' sealer: one instance at a time (a lease row, taken and renewed by one
 * conditional UPDATE) gives waiting receipts their places in the log, in the order of
 * their ids, writes the perfect subtrees they complete and signs a tree head, all in one
 * transaction; with nothing new it signs the head again at least every BOOKS_HEAD_MS,
 * so its time says the books were looked at. The hot path only inserts receipts. An
 * instance whose lease ran out while it sealed finds its fence UPDATE change nothing and
 * writes nothing; and were two ever to write, the unique leaf index and the tree head's
 * size would refuse the second.
 */
export class BooksSealer {
  private readonly holder = `${hostname().slice(0, 40)}-${process.pid}-${randomUUID().slice(0, 8)}`;
  /** The tree as this instance last sealed it; reloaded from the database whenever the lease was not ours. */
  private tree: CompactRange | null = null;
  private lastHeadAt = 0;
  /** When the lease runs out, as this instance last wrote it (0: not held). */
  private heldUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    /** Told of every head signed, after its commit (the live feed). */
    private readonly sealed: (head: TreeHead) => void = () => undefined,
    /** In the transaction of a head over more receipts than the last (the books.sealed webhook's messages). */
    private readonly grew: (tx: Tx, head: TreeHead) => Promise<void> = async () => undefined,
  ) {}

  /** Seals every BOOKS_SEAL_MS, each round after the last one ended: rounds never overlap here. */
  start(): void {
    // The bench's comparison server (RECEIPTS=off) has nothing to seal.
    if (this.timer || !this.deps.config.receipts) return;
    const round = () => {
      this.running = this.sealOnce()
        .catch((error) => this.deps.logger.error({ err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, "sealing the books failed"))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(round, this.deps.config.booksSealMs).unref();
        });
    };
    this.timer = setTimeout(round, this.deps.config.booksSealMs).unref();
  }

  /** No new round starts; resolves when the one under way is done. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round; the receipts it sealed. Runs every BOOKS_SEAL_MS on every instance, and does the work on one. */
  async sealOnce(): Promise<number> {
    // A lease with more than half its time left is not asked for again: the batch's fence
    // renews it in the batch's own transaction, and refuses the batch if it is lost.
    const left = this.heldUntil - this.deps.clock.now().getTime();
    if (left <= this.leaseMs() / 2 && !(await this.takeLease())) {
      this.tree = null;
      this.heldUntil = 0;
      return 0;
    }
    let total = 0;
    try {
      for (;;) {
        // A full batch's fence renewed the lease: the next batch goes on without asking again.
        const sealed = await this.sealBatch();
        total += sealed;
        if (sealed < BATCH) break;
      }
    } catch (error) {
      // Whatever failed, the next round starts from the books as committed, and asks for the lease.
      this.tree = null;
      this.heldUntil = 0;
      if (!(error instanceof LeaseLost) && !isUniqueViolation(error)) throw error;
    }
    return total;
  }

  /**
   * One batch in one transaction: the fence and the read of what waits travel together,
   * then the places, the nodes and the head with the COMMIT. One connection from the pool
   * a batch: under load every request for one waits behind the redeems, and a read, a
   * transaction and a lease renewal apiece left the books sealing fewer receipts a
   * second than the payments made them.
   */
  private async sealBatch(): Promise<number> {
    const { db, clock, config } = this.deps;
    const tree = this.tree ?? (await this.load());
    let until = 0;
    const sealed = await db.tx(async (tx) => {
      const now = clock.now();
      until = now.getTime() + this.leaseMs();
      // The fence: this batch is written only while the lease is still this instance's;
      // it renews the lease for the next batch and the next rounds too.
      const [fenced, waiting] = await Promise.all([
        tx.write("UPDATE books_lease SET until = ? WHERE name = ? AND holder = ?", [new Date(until), LEASE, this.holder]),
        // Only what the leaf is made of, as stored: the body is the canonical text it was signed over.
        tx.select<WaitingReceipt>(WAITING_SQL, []),
      ]);
      if (fenced !== 1) throw new LeaseLost();
      if (waiting.length === 0 && now.getTime() - this.lastHeadAt < config.booksHeadMs) return null;
      const next = CompactRange.of(tree.leaves, tree.hashes());
      const nodes: NodeRow[] = [];
      const places: Array<[string, number]> = [];
      for (const receipt of waiting) {
        places.push([receipt.id, next.leaves]);
        // A receipt waits for its place before retention could drop its body.
        if (receipt.body === null) throw new Error(`receipt ${receipt.id} has no body and no place in the books`);
        for (const node of next.append(leafHash(storedReceiptLeafData(receipt.body, receipt.keyId, receipt.signature)))) {
          nodes.push([node.level, node.index, toBase64url(node.hash)]);
        }
      }
      const head = this.signHead(next.leaves, next.root(), now);
      if (places.length > 0) {
        const placed = await tx.write(placeSql(db.isMysql, places.length), places.flat());
        if (placed !== places.length) throw new LeaseLost();
        await insertNodes(tx, nodes);
        await this.grew(tx, head);
      }
      const row = { size: head.size, root: head.root, at: now, keyId: head.keyId, signature: head.signature };
      const resigned = await tx.write("UPDATE tree_heads SET at = ?, keyId = ?, signature = ? WHERE size = ? AND root = ?", [now, head.keyId, head.signature, head.size, head.root]);
      if (resigned === 0) await tx.insert(TreeHeadEntity, row);
      tx.afterCommit(() => this.sealed(head));
      return { next, at: now, count: places.length };
    });
    this.heldUntil = until;
    if (!sealed) return 0;
    this.tree = sealed.next;
    this.lastHeadAt = sealed.at.getTime();
    return sealed.count;
  }

  private signHead(size: number, root: Hash, at: Date): TreeHead {
    const unsigned = { size, root: toBase64url(root), at: at.toISOString() };
    const signer = this.deps.receiptSigner;
    return { ...unsigned, keyId: signer.keyId, signature: signer.sign(treeHeadBytes(unsigned)) };
  }

  /** The tree as the last committed head left it: its size, and the perfect subtrees of its right edge. */
  private async load(): Promise<CompactRange> {
    const { db } = this.deps;
    const [latest] = await db.read((m) => m.find(TreeHeadEntity, { order: { size: "DESC" }, take: 1 }), { fresh: true });
    const size = latest?.size ?? 0;
    return CompactRange.of(size, await edgeHashes(db, size));
  }

  private leaseMs(): number {
    return Math.max(10_000, 5 * this.deps.config.booksSealMs);
  }

  /** Takes or renews the lease: one conditional UPDATE; the first instance ever inserts its row. */
  private async takeLease(): Promise<boolean> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const until = new Date(now.getTime() + this.leaseMs());
    const taken = await db.tx((tx) =>
      tx.write("UPDATE books_lease SET holder = ?, until = ? WHERE name = ? AND (holder = ? OR until < ?)", [this.holder, until, LEASE, this.holder, now]),
    );
    if (taken !== 1) {
      const exists = await db.read((m) => m.countBy(BooksLeaseEntity, { name: LEASE }), { fresh: true });
      if (exists > 0) return false;
      try {
        await db.tx((tx) => tx.insert(BooksLeaseEntity, { name: LEASE, holder: this.holder, until }));
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    }
    // Taken back after it ran out: another instance may have sealed meanwhile, so the tree is read again.
    if (this.heldUntil <= now.getTime()) this.tree = null;
    this.heldUntil = until.getTime();
    return true;
  }
}

/** A row of merkle_nodes (MerkleNodeEntity) as its INSERT binds it: level, idx, hash. */
type NodeRow = [level: number, idx: number, hash: string];

/** The batch's new tree nodes, a multi-row INSERT a NODES_PER_INSERT of them, sent together. */
async function insertNodes(tx: Tx, nodes: NodeRow[]): Promise<void> {
  const writes: Array<Promise<number>> = [];
  for (let i = 0; i < nodes.length; i += NODES_PER_INSERT) {
    const chunk = nodes.slice(i, i + NODES_PER_INSERT);
    const rows = chunk.map(() => "(?, ?, ?)").join(", ");
    writes.push(tx.write(`INSERT INTO merkle_nodes (level, idx, hash) VALUES ${rows}`, chunk.flat()));
  }
  await Promise.all(writes);
}

/**
 * Gives each of `count` waiting receipts its leaf index, from (id, index) pairs, in one
 * statement: the receipts joined to the pairs by primary key, so the database does one
 * lookup a row (a CASE over the batch's ids costs it twice the work), and only a receipt
 * still without a place moves.
 */
function placeSql(mysql: boolean, count: number): string {
  if (mysql) {
    const rows = ["SELECT ? AS id, ? AS leafIndex", ...Array.from({ length: count - 1 }, () => "SELECT ?, ?")].join(" UNION ALL ");
    return `UPDATE receipts r JOIN (${rows}) placed ON r.id = placed.id SET r.leafIndex = placed.leafIndex WHERE r.leafIndex IS NULL`;
  }
  const pairs = Array.from({ length: count }, () => "(?, ?)").join(", ");
  return `UPDATE receipts SET leafIndex = placed.column2 FROM (VALUES ${pairs}) AS placed WHERE receipts.id = placed.column1 AND receipts.leafIndex IS NULL`;
}
