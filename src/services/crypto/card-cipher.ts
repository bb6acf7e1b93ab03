import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for card numbers. Each ciphertext is stored with the id of the key that
 * made it, so CARD_KEY can be rotated: the new key encrypts, old keys (CARD_KEYS_PREVIOUS)
 * still decrypt. The fingerprint and code-hash keys are derived from the current key
 * with HKDF (as is the key partners' webhook secrets derive from), so one secret is
 * configured, and each use gets its own key.
 */
export class CardCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;
  private readonly current: Buffer;
  readonly fingerprintKey: Buffer;
  readonly codeHashKey: Buffer;
  readonly webhookKey: Buffer;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new Error("card keys must be 32 bytes");
      this.keys.set(CardCipher.keyIdOf(key), key);
    }
    this.current = currentKey;
    this.currentKeyId = CardCipher.keyIdOf(currentKey);
    this.fingerprintKey = derive(currentKey, "wallet-center pan fingerprint");
    this.codeHashKey = derive(currentKey, "wallet-center code hash");
    this.webhookKey = derive(currentKey, "wallet-center webhook secrets");
  }

  static keyIdOf(key: Buffer): string {
    return createHash("sha256").update(key).digest("hex").slice(0, 12);
  }

  /** base64(iv | tag | ciphertext) */
  encrypt(plain: string): { ciphertext: string; keyId: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const out = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    return { ciphertext: out, keyId: this.currentKeyId };
  }

  decrypt(ciphertext: string, keyId: string): string {
    const key = this.keys.get(keyId);
    if (!key) throw new Error("card key for this ciphertext is not configured");
    const raw = Buffer.from(ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }

  fingerprint(pan: string): string {
    return createHmac("sha256", this.fingerprintKey).update(pan).digest("hex");
  }
}

function derive(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), info, 32));
}

/** CARD_KEY is 32 bytes as 64 hex characters or as base64. */
export function parseCardKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("CARD_KEY must be 32 bytes (64 hex characters or base64)");
  return key;
}
