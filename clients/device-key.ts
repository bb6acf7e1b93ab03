/**
 * A phone's own key pair, made and used with WebCrypto alone (`crypto.subtle`), so the
 * same code runs in Node 20 and in a browser. The phone registers the public key once
 * (PhoneClient.registerDevice, with the password); from then on it approves a code or a
 * confirmation by signing the request's canonical text instead of sending the password.
 * docs/device-proofs.md specifies the text; src/services/devices/device-proof-text.ts is the
 * server's side of it.
 */

import { toBase64url } from "./wire/base64url";
import { COMPACT_ROTATING_PREFIX, compactRotatingCode, parseRotatingCredential, rotatingSignedBytes } from "./wire/compact-ticket";
import { OFFLINE_TOKEN_PREFIX, offlineTokenText, type OfflineTokenClaims } from "./wire/offline-token";
import { proofText, type ProofArguments, type ProofOperation } from "./wire/proof-text";
import { rotationText, rotationWindow } from "./wire/rotation";

export { PROOF_ARGUMENTS, PROOF_HEADER, proofText, type ProofArguments, type ProofOperation } from "./wire/proof-text";

type Subtle = typeof globalThis.crypto.subtle;
/** WebCrypto's CryptoKey, as this platform's typings name it. */
export type PrivateKey = Parameters<Subtle["sign"]>[1];

export type DeviceAlgorithm = "Ed25519" | "ES256";

/** What the API's DeviceProofInput takes. */
export interface DeviceProof {
  deviceId: string;
  payload: string;
  signature: string;
}

/** What a phone keeps between runs (a CryptoKey can be kept as it is in IndexedDB; it need not be extractable). */
export interface DeviceKeyState {
  algorithm: DeviceAlgorithm;
  privateKey: PrivateKey;
  publicKey: string;
  deviceId: string | null;
  counter: number;
}

const SIGN_PARAMS: Record<DeviceAlgorithm, { name: string; hash?: string }> = {
  Ed25519: { name: "Ed25519" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
};


export class DeviceKey {
  /** Set by PhoneClient.registerDevice (or restored): the server's id of this key. */
  deviceId: string | null;
  #counter: number;

  private constructor(
    readonly algorithm: DeviceAlgorithm,
    private readonly privateKey: PrivateKey,
    /** base64url of the SubjectPublicKeyInfo DER: what registerDevice sends. */
    readonly publicKey: string,
    deviceId: string | null,
    counter: number,
  ) {
    this.deviceId = deviceId;
    this.#counter = counter;
  }

  /**
   * A new key pair: Ed25519 where the platform has it, else ECDSA P-256 (ES256). The
   * private key is not extractable unless asked: it signs, and never leaves.
   */
  static async generate(options: { algorithm?: DeviceAlgorithm; extractable?: boolean } = {}): Promise<DeviceKey> {
    const { subtle } = globalThis.crypto;
    const extractable = options.extractable ?? false;
    const make = async (algorithm: DeviceAlgorithm) =>
      (algorithm === "Ed25519"
        ? await subtle.generateKey({ name: "Ed25519" }, extractable, ["sign", "verify"])
        : await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, extractable, ["sign", "verify"])) as { privateKey: PrivateKey; publicKey: PrivateKey };
    let algorithm = options.algorithm ?? "Ed25519";
    let pair: Awaited<ReturnType<typeof make>>;
    try {
      pair = await make(algorithm);
    } catch (error) {
      if (options.algorithm) throw error;
      // Ed25519 is missing from some browsers' WebCrypto; P-256 is everywhere.
      algorithm = "ES256";
      pair = await make(algorithm);
    }
    const { privateKey, publicKey } = pair;
    const spki = await subtle.exportKey("spki", publicKey);
    return new DeviceKey(algorithm, privateKey, toBase64url(new Uint8Array(spki)), null, 0);
  }

  static restore(state: DeviceKeyState): DeviceKey {
    return new DeviceKey(state.algorithm, state.privateKey, state.publicKey, state.deviceId, state.counter);
  }

  /** What to keep: the counter changes with every proof. */
  state(): DeviceKeyState {
    return { algorithm: this.algorithm, privateKey: this.privateKey, publicKey: this.publicKey, deviceId: this.deviceId, counter: this.#counter };
  }

  /** The last counter signed. */
  get counter(): number {
    return this.#counter;
  }

  /** After PROOF_REPLAYED (its extensions name lastCounter): the next proof goes above it. */
  resync(lastCounter: number): void {
    this.#counter = Math.max(this.#counter, lastCounter);
  }

  /** base64url of the key's signature over `text`; callers give each kind of text its own first line. */
  async signText(text: string): Promise<string> {
    const signature = await globalThis.crypto.subtle.sign(SIGN_PARAMS[this.algorithm], this.privateKey, new TextEncoder().encode(text));
    return toBase64url(new Uint8Array(signature));
  }

  /** The key's raw signature over `bytes` (ECDSA as r‖s, 64 bytes); callers start each kind of message with its own first line. */
  async signBytes(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await globalThis.crypto.subtle.sign(SIGN_PARAMS[this.algorithm], this.privateKey, bytes));
  }

  /** Signs the canonical text of this request with the next counter. */
  async prove<O extends ProofOperation>(operation: O, args: ProofArguments<O>): Promise<DeviceProof> {
    if (!this.deviceId) throw new Error("register the device first (PhoneClient.registerDevice)");
    const counter = ++this.#counter;
    const payload = proofText(operation, args, this.deviceId, counter);
    const signature = await globalThis.crypto.subtle.sign(SIGN_PARAMS[this.algorithm], this.privateKey, new TextEncoder().encode(payload));
    return { deviceId: this.deviceId, payload, signature: toBase64url(new Uint8Array(signature)) };
  }
}

/**
 * A rotating ticket code for the window `at` falls in (clients/wire/ticket-code.ts describes
 * it): a compact T4 code from a "T4:" credential (what the server issues), a T2 code from a
 * "T2." one (the first format, still accepted).
 */
export async function rotatingTicketCode(credential: string, key: DeviceKey, at: Date = new Date()): Promise<string> {
  const window = rotationWindow(at);
  if (credential.startsWith(COMPACT_ROTATING_PREFIX)) {
    const fields = parseRotatingCredential(credential);
    if (!fields) throw new Error("not a rotating ticket credential");
    return compactRotatingCode(fields, window, await key.signBytes(rotatingSignedBytes(fields, window)));
  }
  const signature = await key.signText(rotationText(credential, window));
  return `${credential}.${window}.${signature}`;
}

/**
 * An offline payment token (clients/wire/offline-token.ts), made on the phone with no network:
 * this card, at most `maxAmount`, now. Show it as a QR; the register redeems it online.
 */
export async function offlinePaymentToken(key: DeviceKey, cardId: string, maxAmount: number, at: Date = new Date()): Promise<string> {
  if (!key.deviceId) throw new Error("register the device first (PhoneClient.registerDevice)");
  const nonce = toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const claims: OfflineTokenClaims = { di: key.deviceId, c: cardId, m: maxAmount, t: Math.floor(at.getTime() / 1000), n: nonce };
  const encoded = toBase64url(new TextEncoder().encode(JSON.stringify(claims)));
  return `${OFFLINE_TOKEN_PREFIX}${encoded}.${await key.signText(offlineTokenText(encoded))}`;
}

/** A request's approval as the API takes it: the password, or a proof signed by the device key. */
export async function approvalVariables<O extends ProofOperation>(
  approval: string | DeviceKey,
  operation: O,
  args: ProofArguments<O>,
): Promise<{ password?: string; proof?: DeviceProof }> {
  return typeof approval === "string" ? { password: approval } : { proof: await approval.prove(operation, args) };
}


