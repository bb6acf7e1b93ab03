import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

/**
 * The center's receipt key (RECEIPT_SIGNING_KEY): Ed25519, kept apart from every other
 * key, signing receipts and the books' tree heads. Its id is the first 16 hex digits of
 * SHA-256 over its public key's SPKI DER; the key set publishes it under that id with the
 * time it began signing (books/receipt-keys.ts).
 */
export class ReceiptSigner {
  private readonly privateKey: KeyObject;
  readonly keyId: string;
  /** base64url of the 32 raw public key bytes, as the key set publishes it. */
  readonly publicKey: string;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== "ed25519") throw new Error("RECEIPT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)");
    const publicKey = createPublicKey(this.privateKey);
    this.keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
    this.publicKey = publicKey.export({ format: "jwk" }).x!;
  }

  /** base64url of the Ed25519 signature over `bytes`. */
  sign(bytes: Uint8Array): string {
    return sign(null, bytes, this.privateKey).toString("base64url");
  }
}
