import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/** What a ticket code says, in short keys to keep the QR small. */
export interface TicketClaims {
  /** signing key id, for rotation */
  k: string;
  /** ticket id */
  t: string;
  /** event id */
  e: string;
  /** holder version: moves on allotment and revocation */
  v: number;
  /** the ticket's validity window and the code's own expiry, Unix seconds */
  vf: number;
  vu: number;
  x: number;
}

export const TICKET_CODE_PREFIX = "T1.";

/**
 * Ticket codes: "T1." + base64url(JSON claims) + "." + base64url(Ed25519 signature over
 * everything before the last dot). A gate can check one offline with the public key
 * (`ticketSigningKey`); the server stays the authority on admission. Codes signed by a
 * previous key (TICKET_SIGNING_KEYS_PREVIOUS) still verify, found by the key id.
 */
export class TicketSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKeys = new Map<string, KeyObject>();
  readonly keyId: string;
  readonly publicKeyPem: string;

  constructor(privateKeyPem: string, previousPublicKeyPems: string[] = []) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== "ed25519") throw new Error("TICKET_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)");
    const current = createPublicKey(this.privateKey);
    this.publicKeyPem = current.export({ type: "spki", format: "pem" }).toString();
    this.keyId = keyIdOf(current);
    this.publicKeys.set(this.keyId, current);
    for (const pem of previousPublicKeyPems) {
      const key = createPublicKey(pem);
      this.publicKeys.set(keyIdOf(key), key);
    }
  }

  sign(claims: Omit<TicketClaims, "k">): string {
    const body = TICKET_CODE_PREFIX + Buffer.from(JSON.stringify({ k: this.keyId, ...claims })).toString("base64url");
    return `${body}.${sign(null, Buffer.from(body), this.privateKey).toString("base64url")}`;
  }

  /** The claims if the code is well formed and signed by one of our keys, else null. */
  verify(code: string): TicketClaims | null {
    if (!code.startsWith(TICKET_CODE_PREFIX)) return null;
    const dot = code.lastIndexOf(".");
    if (dot <= TICKET_CODE_PREFIX.length) return null;
    const body = code.slice(0, dot);
    try {
      const claims = JSON.parse(Buffer.from(body.slice(TICKET_CODE_PREFIX.length), "base64url").toString()) as TicketClaims;
      const key = typeof claims.k === "string" ? this.publicKeys.get(claims.k) : undefined;
      if (!key || !verify(null, Buffer.from(body), key, Buffer.from(code.slice(dot + 1), "base64url"))) return null;
      return claims;
    } catch {
      return null;
    }
  }
}

export const looksLikeTicketCode = (code: string): boolean => code.trim().startsWith(TICKET_CODE_PREFIX);

function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 12);
}
