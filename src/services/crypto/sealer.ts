import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing } from "./key-ring";

/** Sealed data: base64(iv | tag | ciphertext), and the id of the key that sealed it. */
export interface Sealed {
  ciphertext: string;
  keyId: string;
}

/**
 * Something was sealed under a key this server is not configured with (a previous key
 * removed too early, or the wrong key set). Names the key id and the variables that
 * would hold the key, never a key.
 */
export class KeyNotConfigured extends Error {
  constructor(
    readonly keyId: string,
    readonly variables: string,
  ) {
    super(`sealed under key id ${keyId}, which is not configured (${variables})`);
    this.name = "KeyNotConfigured";
  }
}

/**
 * AES-256-GCM under a key ring: the current key seals, any key of the ring opens what it
 * sealed, found by the key id kept beside the ciphertext. `context` (authenticated, not
 * stored) binds a ciphertext to the row it belongs to, so it cannot be moved to another.
 */
export class Sealer {
  constructor(
    readonly ring: KeyRing,
    /** The variables that configure this ring, for messages. */
    readonly variables: string,
  ) {}

  get currentKeyId(): string {
    return this.ring.current.id;
  }

  canOpen(keyId: string): boolean {
    return this.ring.has(keyId);
  }

  seal(plain: string, context?: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.ring.current.key, iv);
    if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64"), keyId: this.ring.current.id };
  }

  /** Throws KeyNotConfigured for an unknown key id, and an error for a tampered ciphertext. */
  open(ciphertext: string, keyId: string, context?: string): string {
    const key = this.ring.get(keyId);
    if (!key) throw new KeyNotConfigured(keyId, this.variables);
    const raw = Buffer.from(ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }
}
