import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import type { TicketClaims } from "./admission-rules";

export const TICKET_CODE_PREFIX = "T1.";

/** A public key's id as codes name it: the first 12 hex digits of SHA-256 over its SPKI DER. */
export function ticketKeyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 12);
}

/**
 * Ticket codes are "T1." + base64url(JSON claims) + "." + base64url(Ed25519 signature over
 * everything before the last dot). This checks one with public keys alone, as a gate does
 * offline; the server signs them (src/services/crypto/ticket-signer.ts).
 */
export class TicketCodeVerifier {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeyPems: readonly string[]) {
    for (const pem of publicKeyPems) {
      const key = createPublicKey(pem);
      this.keys.set(ticketKeyIdOf(key), key);
    }
  }

  /** The claims if the code is well formed and signed by one of the keys, else null. */
  verify(code: string): TicketClaims | null {
    if (!code.startsWith(TICKET_CODE_PREFIX)) return null;
    const dot = code.lastIndexOf(".");
    if (dot <= TICKET_CODE_PREFIX.length) return null;
    const body = code.slice(0, dot);
    try {
      const claims = JSON.parse(Buffer.from(body.slice(TICKET_CODE_PREFIX.length), "base64url").toString()) as TicketClaims;
      const key = typeof claims.k === "string" ? this.keys.get(claims.k) : undefined;
      if (!key || !verify(null, Buffer.from(body), key, Buffer.from(code.slice(dot + 1), "base64url"))) return null;
      return claims;
    } catch {
      return null;
    }
  }
}
