import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { DeviceAlgorithm } from "../../entities/value-lists";


/** A P-256 SubjectPublicKeyInfo is 91 bytes and an Ed25519 one 44: anything much longer is not a key of ours. */
const MAX_PUBLIC_KEY_CHARS = 200;
/** Ed25519 and IEEE P1363 (r||s) P-256 signatures are 64 bytes; DER-encoded ECDSA ones at most 72. */
const MAX_SIGNATURE_CHARS = 100;

export interface DevicePublicKey {
  algorithm: DeviceAlgorithm;
  /** SubjectPublicKeyInfo DER as node:crypto exports it (an EC point uncompressed). */
  der: Buffer;
  key: KeyObject;
}

/**
 * A public key as a phone sends it: base64url (padding optional) of its
 * SubjectPublicKeyInfo DER, what WebCrypto's exportKey("spki") and node:crypto's
 * export({ type: "spki", format: "der" }) produce. Ed25519, or ECDSA on P-256; null for
 * anything else (another curve, RSA, a private key, garbage).
 */
export function parseDevicePublicKey(text: string): DevicePublicKey | null {
  if (text.length > MAX_PUBLIC_KEY_CHARS) return null;
  const bytes = fromBase64url(text);
  if (!bytes || bytes.length === 0) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: bytes, format: "der", type: "spki" });
  } catch {
    return null;
  }
  const algorithm = algorithmOf(key);
  if (!algorithm) return null;
  return { algorithm, der: key.export({ type: "spki", format: "der" }), key };
}

/** The KeyObject of a stored key (verified when it was registered). */
export function deviceKeyFromDer(der: Buffer): KeyObject {
  return createPublicKey({ key: der, format: "der", type: "spki" });
}

/**
 * Whether `signature` (base64url) is the device's signature of the payload's UTF-8
 * bytes. Ed25519: the 64-byte RFC 8032 signature. ES256: ECDSA with SHA-256, either as
 * WebCrypto gives it (IEEE P1363, r||s, 64 bytes) or DER-encoded, as Android's Keystore
 * and Apple's Secure Enclave give it.
 */
export function verifyDeviceSignature(algorithm: DeviceAlgorithm, key: KeyObject, payload: string, signature: string): boolean {
  if (signature.length > MAX_SIGNATURE_CHARS) return false;
  const bytes = fromBase64url(signature);
  if (!bytes) return false;
  const data = Buffer.from(payload, "utf8");
  try {
    if (algorithm === "Ed25519") return bytes.length === 64 && verify(null, data, key, bytes);
    const dsaEncoding = bytes.length === 64 ? "ieee-p1363" : "der";
    return verify("sha256", data, { key, dsaEncoding }, bytes);
  } catch {
    // A malformed DER signature throws rather than failing.
    return false;
  }
}

function algorithmOf(key: KeyObject): DeviceAlgorithm | null {
  if (key.type !== "public") return null;
  if (key.asymmetricKeyType === "ed25519") return "Ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  return null;
}

/** Strict base64url (RFC 4648 section 5), with or without padding; null for anything else. */
export function fromBase64url(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) return null;
  return Buffer.from(text, "base64url");
}
