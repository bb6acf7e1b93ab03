import type { TicketClaims } from "./admission-rules";
import { fromBase64url } from "./base64url";
import { COMPACT_ROTATING_PREFIX, STATIC_CODE_PREFIX, parseCompactRotatingCode, parseStaticTicketCode } from "./compact-ticket";
import { p1363Signature } from "./ecdsa-signature";
import { ROTATING_CODE_PREFIX, rotationText, rotationWindow } from "./rotation";

/** The first static format (JSON claims in base64url): still accepted until its codes expire; the server issues T3. */
export const TICKET_CODE_PREFIX = "T1.";
export { ROTATING_CODE_PREFIX, ROTATION_PERIOD_SECONDS } from "./rotation";
export { COMPACT_ROTATING_PREFIX, STATIC_CODE_PREFIX } from "./compact-ticket";

/** Every ticket code's prefix: T1 and T2 (the first formats, still accepted), T3 and T4 (the compact ones issued). */
export const TICKET_CODE_PREFIXES = [TICKET_CODE_PREFIX, ROTATING_CODE_PREFIX, STATIC_CODE_PREFIX, COMPACT_ROTATING_PREFIX] as const;

/** A device key that signs a ticket's compact rotating codes: a device its holder registered, at the holder version the holder holds it at. */
export interface RotatingKey {
  deviceId: string;
  /** SPKI DER, base64url */
  publicKey: string;
  algorithm: "Ed25519" | "ES256";
  holderVersion: number;
}

/** A ticket's holder's device keys and its validity (Unix seconds), as the server's rows or a gate's snapshot know them. */
export interface RotatingTicketKeys {
  validFrom: number;
  validUntil: number;
  keys: readonly RotatingKey[];
}

/** Where a verifier finds the keys a compact rotating (T4) code of a ticket may be signed with. */
export type RotatingKeysLookup = (ticketId: string) => Promise<RotatingTicketKeys | null> | RotatingTicketKeys | null;

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
 * Checks ticket codes as a gate does offline, and as the server does online (the server
 * signs them in src/services/crypto/ticket-signer.ts and checks them with this same
 * class). It uses WebCrypto alone, so it runs in Node 20 and in a browser.
 * docs/signed-formats.md specifies the four formats:
 *
 * - T3 (issued): a static code, compact bytes in base45 (clients/wire/compact-ticket.ts),
 *   signed by the ticket key its key id names;
 * - T4 (issued): a rotating code, the ticket, event, holder version and window in base45
 *   with the device's signature over them; the device's key is not in the code: it is
 *   one of the holder's registered devices, and the caller says where to find them
 *   (`rotatingKeys`: the server's rows, or a gate's snapshot);
 * - T1 (still accepted until it expires): "T1." + base64url(JSON claims) + "." +
 *   base64url(Ed25519 signature over everything before the last dot);
 * - T2 (still accepted): a credential made as T1 with "T2." (its claims also name the
 *   holder's device and carry its public key), then "." + the window number + "." +
 *   base64url(the device's signature over `rotationText(credential, window)`; a P-256
 *   signature as IEEE P1363 or DER, as device proofs take it).
 *
 * A rotating code stops working once its window is past (a screenshot): `stale` says so.
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
  async verify(code: string, at: Date = new Date(), rotatingKeys?: RotatingKeysLookup): Promise<TicketClaims | null> {
    if (code.startsWith(STATIC_CODE_PREFIX)) return this.verifyStatic(code);
    if (code.startsWith(COMPACT_ROTATING_PREFIX)) return rotatingKeys ? this.verifyCompactRotating(code, at, rotatingKeys) : null;
    if (code.startsWith(ROTATING_CODE_PREFIX)) return this.verifyRotating(code, at);
    return this.verifySigned(code, TICKET_CODE_PREFIX);
  }

  /** A T3 code: the ticket key its key id names signed the prefix and the body. */
  private async verifyStatic(code: string): Promise<TicketClaims | null> {
    const parsed = parseStaticTicketCode(code);
    if (!parsed) return null;
    try {
      const key = (await this.keys).get(parsed.fields.k);
      if (!key) return null;
      const holds = await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.signed);
      return holds ? { ...parsed.fields } : null;
    } catch {
      return null;
    }
  }

  /**
   * A T4 code: one of the holder's device keys, at the code's holder version, signed the
   * window. The code carries no key: the lookup (the server's rows, a gate's snapshot)
   * says which keys the ticket's holder signs with.
   */
  private async verifyCompactRotating(code: string, at: Date, rotatingKeys: RotatingKeysLookup): Promise<TicketClaims | null> {
    const parsed = parseCompactRotatingCode(code);
    if (!parsed) return null;
    try {
      const ticket = await rotatingKeys(parsed.t);
      for (const bound of ticket?.keys ?? []) {
        if (bound.holderVersion !== parsed.v) continue;
        const params = bound.algorithm === "Ed25519" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
        const holds = await globalThis.crypto.subtle.verify(params, await this.deviceKey(bound.publicKey, bound.algorithm), parsed.signature, parsed.signed);
        if (!holds) continue;
        const { t, e, v, w } = parsed;
        const { validFrom: vf, validUntil: vu } = ticket!;
        return { k: "", t, e, v, vf, vu, x: vu, di: bound.deviceId, d: bound.publicKey, a: bound.algorithm, w, stale: Math.abs(w - rotationWindow(at)) > 1 };
      }
    } catch {
      return null;
    }
    return null;
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

  /** Only keys the server vouches for (inside a credential it signed, or from its rows or snapshot) reach here, so what is kept is bounded by real devices. */
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

