import { createHmac } from "node:crypto";
import type { KeyRing } from "./key-ring";

/**
 * HMAC-SHA256 under a key ring, for values found by their hash (codes, card
 * fingerprints). New hashes use the current key; a value stored under an earlier key is
 * found by hashing it under the earlier keys too, which callers do only when the current
 * hash finds nothing (codes) or on a rare path (adding a card).
 */
export class KeyedHash {
  constructor(readonly ring: KeyRing) {}

  get currentKeyId(): string {
    return this.ring.current.id;
  }

  /** Are there earlier keys a stored hash may have been made with? */
  get hasEarlier(): boolean {
    return this.ring.earlier.length > 0;
  }

  hash(value: string): string {
    return hmac(this.ring.current.key, value);
  }

  /** The value's hashes under each earlier key (none when the ring has only its current key). */
  earlierHashes(value: string): string[] {
    return this.ring.earlier.map(({ key }) => hmac(key, value));
  }
}

const hmac = (key: Buffer, value: string): string => createHmac("sha256", key).update(value).digest("hex");
