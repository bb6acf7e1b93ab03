import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import type { TicketClaims } from "./admission-rules";
import { ROTATING_CODE_PREFIX, rotationText, rotationWindow } from "./rotation";

export const TICKET_CODE_PREFIX = "T1.";
export { ROTATING_CODE_PREFIX, ROTATION_PERIOD_SECONDS } from "./rotation";

/** A public key's id as codes name it: the first 12 hex digits of SHA-256 over its SPKI DER. */
export function ticketKeyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 12);
}

/**
 * Ticket codes are "T1." + base64url(JSON claims) + "." + base64url(Ed25519 signature over
 * everything before the last dot). This checks one with public keys alone, as a gate does
 * offline; the server signs them (src/services/crypto/ticket-signer.ts).
 *
 * A rotating code is a credential made the same way with "T2." (its claims also name the
 * holder's device and carry its public key), then "." + the window number + "." +
 * base64url(the device's signature over `rotationText(credential, window)`). A screenshot
 * stops working once its window is past: `stale` says so.
 */
export class TicketCodeVerifier {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeyPems: readonly string[]) {
    for (const pem of publicKeyPems) {
      const key = createPublicKey(pem);
      this.keys.set(ticketKeyIdOf(key), key);
    }
  }

  /**
   * The claims if the code is well formed and signed by one of the keys, else null. A
   * rotating code's device signature must hold too; it is `stale` when its window is not
   * within one of `at`'s (the scan's time).
   */
  verify(code: string, at: Date = new Date()): TicketClaims | null {
    if (code.startsWith(ROTATING_CODE_PREFIX)) return this.verifyRotating(code, at);
    return this.verifySigned(code, TICKET_CODE_PREFIX);
  }

  private verifySigned(code: string, prefix: string): TicketClaims | null {
    if (!code.startsWith(prefix)) return null;
    const dot = code.lastIndexOf(".");
    if (dot <= prefix.length) return null;
    const body = code.slice(0, dot);
    try {
      const claims = JSON.parse(Buffer.from(body.slice(prefix.length), "base64url").toString()) as TicketClaims;
      const key = typeof claims.k === "string" ? this.keys.get(claims.k) : undefined;
      if (!key || !verify(null, Buffer.from(body), key, Buffer.from(code.slice(dot + 1), "base64url"))) return null;
      // A credential's device fields only mean something in a rotating code.
      if ((prefix === ROTATING_CODE_PREFIX) !== (typeof claims.d === "string")) return null;
      return claims;
    } catch {
      return null;
    }
  }

  private verifyRotating(code: string, at: Date): TicketClaims | null {
    const parts = code.split(".");
    if (parts.length !== 5 || !/^\d{1,12}$/.test(parts[3])) return null;
    const credential = parts.slice(0, 3).join(".");
    const claims = this.verifySigned(credential, ROTATING_CODE_PREFIX);
    if (!claims?.d || (claims.a !== "Ed25519" && claims.a !== "ES256")) return null;
    const window = Number(parts[3]);
    try {
      const deviceKey = createPublicKey({ key: Buffer.from(claims.d, "base64url"), format: "der", type: "spki" });
      const text = Buffer.from(rotationText(credential, window));
      const signature = Buffer.from(parts[4], "base64url");
      const holds =
        claims.a === "Ed25519" ? verify(null, text, deviceKey, signature) : verify("sha256", text, { key: deviceKey, dsaEncoding: "ieee-p1363" }, signature);
      if (!holds) return null;
    } catch {
      return null;
    }
    return { ...claims, stale: Math.abs(window - rotationWindow(at)) > 1 };
  }
}
