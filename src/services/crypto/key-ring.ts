import { createHash, hkdfSync } from "node:crypto";

/** A 32-byte secret key and its id: the first 12 hex digits of the key's SHA-256. */
export interface IdentifiedKey {
  id: string;
  key: Buffer;
}

/**
 * The keys of one purpose: the current one makes everything new; the earlier ones only
 * read (decrypt, or match a hash) what was made under them. A key id is stored beside
 * whatever a key made, so the right key is found without trying each.
 */
export class KeyRing {
  readonly current: IdentifiedKey;
  /** Every other key that still reads, oldest last, without repeats. */
  readonly earlier: readonly IdentifiedKey[];
  private readonly byId = new Map<string, Buffer>();

  constructor(current: Buffer, earlier: readonly Buffer[] = []) {
    this.current = identify(current);
    this.byId.set(this.current.id, current);
    const others: IdentifiedKey[] = [];
    for (const key of earlier) {
      const identified = identify(key);
      if (this.byId.has(identified.id)) continue;
      this.byId.set(identified.id, key);
      others.push(identified);
    }
    this.earlier = others;
  }

  get(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every key id this ring reads, current first. */
  get ids(): string[] {
    return [...this.byId.keys()];
  }
}

export const keyIdOf = (key: Buffer): string => createHash("sha256").update(key).digest("hex").slice(0, 12);

function identify(key: Buffer): IdentifiedKey {
  if (key.length !== 32) throw new Error("keys must be 32 bytes");
  return { id: keyIdOf(key), key };
}

/** A key of its own for one purpose, from another key (HKDF-SHA256, empty salt). */
export const deriveKey = (from: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync("sha256", from, Buffer.alloc(0), purpose, 32));

/**
 * A key given as 32 bytes in 64 hex characters or in base64 (CARD_KEY and the other
 * symmetric keys). The error never repeats the text: it may be a real key mistyped.
 */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("must be 32 bytes, as 64 hex characters or base64 (openssl rand -hex 32)");
  return key;
}

/** A comma-separated list of keys (the *_PREVIOUS variables). */
export const parseKeyList = (text: string | undefined): Buffer[] =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseKey);
