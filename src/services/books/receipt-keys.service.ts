import { LRUCache } from "lru-cache";
import { IsNull } from "typeorm";
import { isUniqueViolation } from "../../database";
import { ReceiptKeyEntity } from "../../entities";
import type { KeySet } from "../../../clients/wire/receipt";
import type { ServiceDeps } from "../kernel/deps";

const CACHE_MS = 10_000;

/**
 * The published receipt key set (a query and /.well-known/wallet-center/receipt-keys.json):
 * each key that has signed, from the first moment an instance started with it, until the
 * operator retired it (RECEIPT_SIGNING_KEYS_RETIRED). A rotation starts instances with a
 * new RECEIPT_SIGNING_KEY; the old key signs on in the instances not yet restarted, and is
 * retired once none does, so a receipt verifies by the key that was signing when it was
 * decided.
 */
export class ReceiptKeys {
  private readonly cache = new LRUCache<"set", KeySet>({ max: 1, ttl: CACHE_MS });
  private books: string | null = null;

  constructor(private readonly deps: ServiceDeps) {}

  /** At start: the current key is recorded (once, by whichever instance is first), and the retirements applied. */
  async record(): Promise<void> {
    const { db, receiptSigner, clock, config } = this.deps;
    const known = await db.read((m) => m.findOneBy(ReceiptKeyEntity, { keyId: receiptSigner.keyId }), { fresh: true });
    if (!known) {
      try {
        await db.tx((tx) => tx.insert(ReceiptKeyEntity, { keyId: receiptSigner.keyId, publicKey: receiptSigner.publicKey, since: clock.now(), until: null }));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    for (const { keyId, until } of config.receiptSigningKeysRetired) {
      if (keyId === receiptSigner.keyId) continue;
      await db.tx((tx) => tx.update(ReceiptKeyEntity, { keyId, until: IsNull() }, { until }));
    }
    this.cache.clear();
  }

  /**
   * What names these books among others that may share a Redis: the id of the first
   * receipt key they ever had. Every instance reads the same one, and no rotation
   * changes it (a key's row is never removed).
   */
  async booksName(): Promise<string> {
    if (this.books) return this.books;
    const [first] = await this.deps.db.read((m) => m.find(ReceiptKeyEntity, { order: { since: "ASC", keyId: "ASC" }, take: 1 }), { fresh: true });
    const name = first?.keyId ?? this.deps.receiptSigner.keyId;
    if (first) this.books = name;
    return name;
  }

  async keySet(): Promise<KeySet> {
    const cached = this.cache.get("set");
    if (cached) return cached;
    const set = keySetOf(await this.deps.db.read((m) => m.find(ReceiptKeyEntity, { order: { since: "ASC" } })));
    this.cache.set("set", set);
    return set;
  }
}

/** The stored receipt keys as the key set publishes them. */
export function keySetOf(rows: ReceiptKeyEntity[]): KeySet {
  return {
    keys: rows.map((row) => ({
      keyId: row.keyId,
      publicKey: row.publicKey,
      use: "receipts" as const,
      from: row.since.toISOString(),
      ...(row.until ? { until: row.until.toISOString() } : {}),
    })),
  };
}
