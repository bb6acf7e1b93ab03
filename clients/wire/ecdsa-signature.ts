/**
 * ECDSA signatures come in two encodings: IEEE P1363 (r‖s, what WebCrypto makes and
 * verifies) and DER (an ASN.1 SEQUENCE of two INTEGERs, what Android's Keystore and
 * Apple's Secure Enclave make). The server's node:crypto reads both (device proofs, P1
 * tokens); WebCrypto reads only P1363, so a gate turns DER into it first. Read as the
 * server reads them: 64 bytes are P1363, anything else DER. No platform imports.
 */

/** P-256: r and s are 32 bytes each. */
const SCALAR_BYTES = 32;

/** The P1363 form of a P-256 signature given in either encoding; null when it is neither. */
export function p1363Signature(signature: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> | null {
  return signature.length === 2 * SCALAR_BYTES ? signature : p1363OfDer(signature);
}

/** Strict DER: SEQUENCE { INTEGER r, INTEGER s }, short lengths, minimal positive integers, nothing after. */
function p1363OfDer(der: Uint8Array): Uint8Array<ArrayBuffer> | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(2 * SCALAR_BYTES);
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return null;
    const length = der[at + 1];
    const start = at + 2;
    const end = start + length;
    if (length < 1 || end > der.length) return null;
    const value = der.subarray(start, end);
    // Minimal and positive: a leading zero only before a byte with the top bit set, and none negative.
    if (value[0] & 0x80) return null;
    if (value[0] === 0 && (length === 1 || !(value[1] & 0x80))) return null;
    const digits = value[0] === 0 ? value.subarray(1) : value;
    if (digits.length > SCALAR_BYTES) return null;
    out.set(digits, (i + 1) * SCALAR_BYTES - digits.length);
    at = end;
  }
  return at === der.length ? out : null;
}
