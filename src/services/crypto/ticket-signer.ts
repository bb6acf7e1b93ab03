import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { ROTATING_CODE_PREFIX, TICKET_CODE_PREFIX, TICKET_CODE_PREFIXES, TicketCodeVerifier, type RotatingKeysLookup } from "../../../clients/wire/ticket-code";
import { staticTicketBody, staticTicketCode, staticTicketSignedBytes } from "../../../clients/wire/compact-ticket";
import type { TicketClaims } from "../../../clients/wire/admission-rules";

export type { TicketClaims } from "../../../clients/wire/admission-rules";
export type { RotatingKey, RotatingKeysLookup, RotatingTicketKeys } from "../../../clients/wire/ticket-code";
export { TICKET_CODE_PREFIX } from "../../../clients/wire/ticket-code";

/**
 * Ticket codes, signed with the ticket key (Ed25519): T3, the compact static code
 * (clients/wire/compact-ticket.ts), is what the server issues; T1 (JSON claims in base64url)
 * and T2 credentials are the first formats, still made here for the tools and tests that
 * show they keep being accepted. A gate can check a code offline with the public keys
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

  /** A T3 code: the compact bytes of the claims and the signature over them, in base45. */
  sign(claims: Pick<TicketClaims, "t" | "e" | "v" | "vf" | "vu" | "x">): string {
    const body = staticTicketBody({ k: this.keyId, t: claims.t, e: claims.e, v: claims.v, vf: claims.vf, vu: claims.vu, x: claims.x });
    return staticTicketCode(body, sign(null, staticTicketSignedBytes(body), this.privateKey));
  }

  /** A T1 code, the first static format. */
  signFirstFormat(claims: Omit<TicketClaims, "k">): string {
    return this.signWith(TICKET_CODE_PREFIX, claims);
  }

  /** A T2 credential, the first rotating format: the claims name the holder's device and carry its public key. */
  signCredential(claims: Omit<TicketClaims, "k"> & Required<Pick<TicketClaims, "di" | "d" | "a">>): string {
    return this.signWith(ROTATING_CODE_PREFIX, claims);
  }

  private signWith(prefix: string, claims: Omit<TicketClaims, "k">): string {
    const body = prefix + Buffer.from(JSON.stringify({ k: this.keyId, ...claims })).toString("base64url");
    return `${body}.${sign(null, Buffer.from(body), this.privateKey).toString("base64url")}`;
  }

  /**
   * The claims if the code is well formed and signed by one of our keys (a T4 code: by a
   * device key `rotatingKeys` finds bound to its ticket), else null; see TicketCodeVerifier
   * for rotating codes.
   */
  verify(code: string, at?: Date, rotatingKeys?: RotatingKeysLookup): Promise<TicketClaims | null> {
    return this.verifier.verify(code, at, rotatingKeys);
  }
}

/** A public key's id as codes name it: the first 12 hex digits of SHA-256 over its SPKI DER (clients/wire/ticket-code.ts finds keys by it). */
export function ticketKeyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 12);
}

export const looksLikeTicketCode = (code: string): boolean => {
  const trimmed = code.trim();
  return TICKET_CODE_PREFIXES.some((prefix) => trimmed.startsWith(prefix));
};
