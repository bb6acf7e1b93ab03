import type { TicketClaims } from "./admission-rules";
import { fromBase64url } from "./base64url";
import { p1363Signature } from "./ecdsa-signature";
import { ROTATING_CODE_PREFIX, rotationText, rotationWindow } from "./rotation";

export const TICKET_CODE_PREFIX = "T1.";
export { ROTATING_CODE_PREFIX, ROTATION_PERIOD_SECONDS } from "./rotation";

type Subtle = typeof globalThis.crypto.subtle;
type PublicKey = Awaited<ReturnType<Subtle["importKey"]>>;

/** A rotating code's device keys, imported once each: a gate sees the same phones scan again (exits, re-entry). */
const DEVICE_KEYS_KEPT = 1_000;

/** The DER inside a PEM ("-----BEGIN PUBLIC KEY-----" …). */
export function derOfPem(pem: string): Uint8Array<ArrayBuffer> {
  return fromBase64url(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
}

/** A public key's id as codes name it: the first 12 hex digits of SHA-256 over its SPKI DER. */
export async function ticketKeyIdOfSpki(spki: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", spki));
  return Array.from(digest.subarray(0, 6), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Ticket codes are "T1." + base64url(JSON claims) + "." + base64url(Ed25519 signature over
 * everything before the last dot). This checks one with public keys alone, as a gate does
 * offline; the server signs them (src/services/crypto/ticket-signer.ts) and checks them
 * with this same class. It uses WebCrypto alone, so it runs in Node 20 and in a browser.
 *
 * A rotating code is a credential made the same way with "T2." (its claims also name the
 * holder's device and carry its public key), then "." + the window number + "." +
 * base64url(the device's signature over `rotationText(credential, window)`; a P-256
 * signature as IEEE P1363 or DER, as device proofs take it). A screenshot stops working
 * once its window is past: `stale` says so. docs/signed-formats.md specifies both.
 */
export class TicketCodeVerifier {
  private readonly keys: Promise<Map<string, PublicKey>>;
  private readonly deviceKeys = new Map<string, Promise<PublicKey>>();

  constructor(publicKeyPems: readonly string[]) {
    this.keys = importKeys(publicKeyPems);
    // A bad key is reported by verify, where it is awaited; it must not be an unhandled rejection meanwhile.
    this.keys.catch(() => undefined);
  }

  /**
   * The claims if the code is well formed and signed by one of the keys, else null. A
   * rotating code's device signature must hold too; it is `stale` when its window is not
   * within one of `at`'s (the scan's time).
   */
  async verify(code: string, at: Date = new Date()): Promise<TicketClaims | null> {
    if (code.startsWith(ROTATING_CODE_PREFIX)) return this.verifyRotating(code, at);
    return this.verifySigned(code, TICKET_CODE_PREFIX);
  }

  private async verifySigned(code: string, prefix: string): Promise<TicketClaims | null> {
    if (!code.startsWith(prefix)) return null;
    const dot = code.lastIndexOf(".");
    if (dot <= prefix.length) return null;
    const body = code.slice(0, dot);
    try {
      const claims = JSON.parse(new TextDecoder().decode(fromBase64url(body.slice(prefix.length)))) as TicketClaims;
      const key = typeof claims.k === "string" ? (await this.keys).get(claims.k) : undefined;
      if (!key) return null;
      const holds = await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64url(code.slice(dot + 1)), new TextEncoder().encode(body));
      if (!holds) return null;
      // A credential's device fields only mean something in a rotating code.
      if ((prefix === ROTATING_CODE_PREFIX) !== (typeof claims.d === "string")) return null;
      return claims;
    } catch {
      return null;
    }
  }

  private async verifyRotating(code: string, at: Date): Promise<TicketClaims | null> {
    const parts = code.split(".");
    if (parts.length !== 5 || !/^\d{1,12}$/.test(parts[3])) return null;
    const credential = parts.slice(0, 3).join(".");
    const claims = await this.verifySigned(credential, ROTATING_CODE_PREFIX);
    if (!claims?.d || (claims.a !== "Ed25519" && claims.a !== "ES256")) return null;
    const window = Number(parts[3]);
    try {
      const deviceKey = await this.deviceKey(claims.d, claims.a);
      const params = claims.a === "Ed25519" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
      // WebCrypto reads ECDSA signatures as r‖s (IEEE P1363) only; a secure element's DER is turned into it.
      const signature = claims.a === "Ed25519" ? fromBase64url(parts[4]) : p1363Signature(fromBase64url(parts[4]));
      if (!signature) return null;
      const holds = await globalThis.crypto.subtle.verify(params, deviceKey, signature, new TextEncoder().encode(rotationText(credential, window)));
      if (!holds) return null;
    } catch {
      return null;
    }
    return { ...claims, w: window, stale: Math.abs(window - rotationWindow(at)) > 1 };
  }

  /** Only keys inside a credential the server signed reach here, so what is kept is bounded by real devices. */
  private deviceKey(spki: string, algorithm: "Ed25519" | "ES256"): Promise<PublicKey> {
    const id = `${algorithm}:${spki}`;
    let key = this.deviceKeys.get(id);
    if (!key) {
      const params = algorithm === "Ed25519" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
      key = globalThis.crypto.subtle.importKey("spki", fromBase64url(spki), params, false, ["verify"]);
      key.catch(() => this.deviceKeys.delete(id));
      if (this.deviceKeys.size >= DEVICE_KEYS_KEPT) this.deviceKeys.delete(this.deviceKeys.keys().next().value!);
    } else this.deviceKeys.delete(id);
    this.deviceKeys.set(id, key);
    return key;
  }
}

async function importKeys(pems: readonly string[]): Promise<Map<string, PublicKey>> {
  const keys = new Map<string, PublicKey>();
  for (const pem of pems) {
    const spki = derOfPem(pem);
    keys.set(await ticketKeyIdOfSpki(spki), await globalThis.crypto.subtle.importKey("spki", spki, { name: "Ed25519" }, false, ["verify"]));
  }
  return keys;
}

