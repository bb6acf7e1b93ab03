import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { ROTATING_CODE_PREFIX, TICKET_CODE_PREFIX, TicketCodeVerifier } from "../../../clients/wire/ticket-code";
import type { TicketClaims } from "../../../clients/wire/admission-rules";

export type { TicketClaims } from "../../../clients/wire/admission-rules";
export { TICKET_CODE_PREFIX } from "../../../clients/wire/ticket-code";

/**
 * Ticket codes: "T1." + base64url(JSON claims) + "." + base64url(Ed25519 signature over
 * everything before the last dot). A gate can check one offline with the public keys
 * (`ticketSigningKey`, `gateSnapshot`), with the same verifier as the server
 * (clients/wire/ticket-code.ts); the server stays the authority on admission. Codes signed by
 * a previous key (TICKET_SIGNING_KEYS_PREVIOUS) still verify, found by the key id.
 */
export class TicketSigner {
  private readonly privateKey: KeyObject;
  private readonly verifier: TicketCodeVerifier;
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** The current public key first, then the previous ones still accepted. */
  readonly publicKeyPems: readonly string[];

  constructor(privateKeyPem: string, previousPublicKeyPems: string[] = []) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== "ed25519") throw new Error("TICKET_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)");
    const current = createPublicKey(this.privateKey);
    this.publicKeyPem = current.export({ type: "spki", format: "pem" }).toString();
    this.keyId = ticketKeyIdOf(current);
    const previous = previousPublicKeyPems.map((pem) => createPublicKey(pem).export({ type: "spki", format: "pem" }).toString());
    this.publicKeyPems = [this.publicKeyPem, ...previous.filter((pem) => pem !== this.publicKeyPem)];
    this.verifier = new TicketCodeVerifier(this.publicKeyPems);
  }

  sign(claims: Omit<TicketClaims, "k">): string {
    return this.signWith(TICKET_CODE_PREFIX, claims);
  }

  /** A rotating code's credential: the claims name the holder's device and carry its public key. */
  signCredential(claims: Omit<TicketClaims, "k"> & Required<Pick<TicketClaims, "di" | "d" | "a">>): string {
    return this.signWith(ROTATING_CODE_PREFIX, claims);
  }

  private signWith(prefix: string, claims: Omit<TicketClaims, "k">): string {
    const body = prefix + Buffer.from(JSON.stringify({ k: this.keyId, ...claims })).toString("base64url");
    return `${body}.${sign(null, Buffer.from(body), this.privateKey).toString("base64url")}`;
  }

  /** The claims if the code is well formed and signed by one of our keys, else null; see TicketCodeVerifier for rotating codes. */
  verify(code: string, at?: Date): Promise<TicketClaims | null> {
    return this.verifier.verify(code, at);
  }
}

/** A public key's id as codes name it: the first 12 hex digits of SHA-256 over its SPKI DER (clients/wire/ticket-code.ts finds keys by it). */
export function ticketKeyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 12);
}

export const looksLikeTicketCode = (code: string): boolean => {
  const trimmed = code.trim();
  return trimmed.startsWith(TICKET_CODE_PREFIX) || trimmed.startsWith(ROTATING_CODE_PREFIX);
};
