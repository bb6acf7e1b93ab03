/**
 * Compact ticket codes: the fields as bytes (ids as their 16 bytes, times as 32-bit
 * Unix seconds, the holder version as a varint), the signature as its 64 raw bytes, all
 * in base45 behind a three-character prefix, so a code fits a QR in alphanumeric mode
 * at 200 characters at most. This file only writes and reads the bytes; the signatures
 * are made by the server (src/services/crypto/ticket-signer.ts) and the phone
 * (clients/device-key.ts) and checked in clients/wire/ticket-code.ts.
 * docs/signed-formats.md specifies the layouts (T3 and T4).
 */

import { fromBase45, toBase45 } from "./base45";

/** A static ticket code signed by the server's ticket key. */
export const STATIC_CODE_PREFIX = "T3:";
/** A rotating ticket code, and the credential the phone makes it from. */
export const COMPACT_ROTATING_PREFIX = "T4:";
/** The first line of what a device signs for one window of a compact rotating code. */
export const COMPACT_ROTATION_HEADER = "wallet-center rotating ticket v2\n";

export const SIGNATURE_BYTES = 64;
export const KEY_ID_BYTES = 6;
const ID_BYTES = 16;
const MAX_U32 = 0xffff_ffff;
/** A varint of a 32-bit number takes at most 5 bytes. */
const MAX_VARINT_BYTES = 5;

/** A static code's fields, as TicketClaims names them. */
export interface StaticTicketFields {
  /** the ticket key's id: 12 hex digits */
  k: string;
  t: string;
  e: string;
  v: number;
  vf: number;
  vu: number;
  x: number;
}

/** What a rotating credential names: the ticket, its event and holder version. */
export interface RotatingCredentialFields {
  t: string;
  e: string;
  v: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-f]*$/;

class Writer {
  private readonly bytes: number[] = [];

  hex(text: string, length: number, what: string): this {
    if (text.length !== length * 2 || !HEX.test(text)) throw new RangeError(`${what} must be ${length * 2} lowercase hex digits`);
    for (let i = 0; i < text.length; i += 2) this.bytes.push(parseInt(text.slice(i, i + 2), 16));
    return this;
  }

  id(id: string, what: string): this {
    if (!UUID.test(id)) throw new RangeError(`${what} must be a lowercase UUID`);
    return this.hex(id.replace(/-/g, ""), ID_BYTES, what);
  }

  u32(n: number, what: string): this {
    if (!Number.isInteger(n) || n < 0 || n > MAX_U32) throw new RangeError(`${what} must be a whole number from 0 to ${MAX_U32}`);
    this.bytes.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    return this;
  }

  /** Unsigned LEB128: seven bits a byte, least significant first. */
  varint(n: number, what: string): this {
    if (!Number.isInteger(n) || n < 0 || n > MAX_U32) throw new RangeError(`${what} must be a whole number from 0 to ${MAX_U32}`);
    let rest = n;
    while (rest >= 0x80) {
      this.bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.bytes.push(...bytes);
    return this;
  }

  done(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.bytes);
  }
}

/** Reads the layouts back; any read past the end, or a varint not in its shortest form, makes the code no code. */
class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  raw(length: number): Uint8Array<ArrayBuffer> | null {
    if (this.left < length) return null;
    const slice = this.bytes.slice(this.at, this.at + length);
    this.at += length;
    return slice;
  }

  hex(length: number): string | null {
    const bytes = this.raw(length);
    return bytes && Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  id(): string | null {
    const hex = this.hex(ID_BYTES);
    return hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  u32(): number | null {
    const bytes = this.raw(4);
    return bytes && ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  }

  varint(): number | null {
    let n = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.raw(1)?.[0];
      if (byte === undefined) return null;
      n += (byte & 0x7f) * 0x80 ** i;
      if (byte < 0x80) {
        // One value, one form: a last byte of 0 after the first pads the number.
        if (byte === 0 && i > 0) return null;
        return n <= MAX_U32 ? n : null;
      }
    }
    return null;
  }
}

const ascii = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** The bytes of `code` after `prefix`, if it is base45 of them. */
function bytesAfter(code: string, prefix: string): Uint8Array<ArrayBuffer> | null {
  return code.startsWith(prefix) ? fromBase45(code.slice(prefix.length)) : null;
}

// --- T3: static codes ---------------------------------------------------------------

/** A static code's body: key id, ticket, event, holder version, validity from and until, the code's expiry. */
export function staticTicketBody(fields: StaticTicketFields): Uint8Array<ArrayBuffer> {
  return new Writer()
    .hex(fields.k, KEY_ID_BYTES, "k")
    .id(fields.t, "t")
    .id(fields.e, "e")
    .varint(fields.v, "v")
    .u32(fields.vf, "vf")
    .u32(fields.vu, "vu")
    .u32(fields.x, "x")
    .done();
}

/** What the ticket key signs for a static code: the prefix's ASCII, then the body. */
export const staticTicketSignedBytes = (body: Uint8Array): Uint8Array<ArrayBuffer> => concat(ascii(STATIC_CODE_PREFIX), body);

export function staticTicketCode(body: Uint8Array, signature: Uint8Array): string {
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError(`a signature is ${SIGNATURE_BYTES} bytes`);
  return STATIC_CODE_PREFIX + toBase45(concat(body, signature));
}

export interface ParsedStaticCode {
  fields: StaticTicketFields;
  signed: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** A static code's fields and signature, or null for anything not exactly of this layout. */
export function parseStaticTicketCode(code: string): ParsedStaticCode | null {
  const bytes = bytesAfter(code, STATIC_CODE_PREFIX);
  if (!bytes || bytes.length <= SIGNATURE_BYTES) return null;
  const body = bytes.slice(0, bytes.length - SIGNATURE_BYTES);
  const read = new Reader(body);
  const k = read.hex(KEY_ID_BYTES);
  const t = read.id();
  const e = read.id();
  const v = read.varint();
  const vf = read.u32();
  const vu = read.u32();
  const x = read.u32();
  if (k === null || t === null || e === null || v === null || vf === null || vu === null || x === null || read.left !== 0) return null;
  return { fields: { k, t, e, v, vf, vu, x }, signed: staticTicketSignedBytes(body), signature: bytes.slice(bytes.length - SIGNATURE_BYTES) };
}

// --- T4: rotating codes -------------------------------------------------------------

const credentialBytes = (fields: RotatingCredentialFields): Uint8Array<ArrayBuffer> => new Writer().id(fields.t, "t").id(fields.e, "e").varint(fields.v, "v").done();

/** What the server hands the phone once: "T4:" + base45(ticket, event, holder version). No code by itself: it has no window and no signature. */
export const rotatingCredential = (fields: RotatingCredentialFields): string => COMPACT_ROTATING_PREFIX + toBase45(credentialBytes(fields));

function readCredential(read: Reader): RotatingCredentialFields | null {
  const t = read.id();
  const e = read.id();
  const v = read.varint();
  return t === null || e === null || v === null ? null : { t, e, v };
}

export function parseRotatingCredential(credential: string): RotatingCredentialFields | null {
  const bytes = bytesAfter(credential, COMPACT_ROTATING_PREFIX);
  if (!bytes) return null;
  const read = new Reader(bytes);
  const fields = readCredential(read);
  return fields && read.left === 0 ? fields : null;
}

/** What the device signs for one window: the header line, then the credential's bytes and the window as 32 bits. */
export function rotatingSignedBytes(fields: RotatingCredentialFields, window: number): Uint8Array<ArrayBuffer> {
  return concat(ascii(COMPACT_ROTATION_HEADER), credentialBytes(fields), new Writer().u32(window, "window").done());
}

/** The code the phone shows for one window. */
export function compactRotatingCode(fields: RotatingCredentialFields, window: number, signature: Uint8Array): string {
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError(`a signature is ${SIGNATURE_BYTES} bytes (ECDSA as r‖s)`);
  return COMPACT_ROTATING_PREFIX + toBase45(concat(credentialBytes(fields), new Writer().u32(window, "window").done(), signature));
}

export interface ParsedRotatingCode extends RotatingCredentialFields {
  w: number;
  signed: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

export function parseCompactRotatingCode(code: string): ParsedRotatingCode | null {
  const bytes = bytesAfter(code, COMPACT_ROTATING_PREFIX);
  if (!bytes || bytes.length <= SIGNATURE_BYTES) return null;
  const read = new Reader(bytes.slice(0, bytes.length - SIGNATURE_BYTES));
  const fields = readCredential(read);
  const w = read.u32();
  if (!fields || w === null || read.left !== 0) return null;
  return { ...fields, w, signed: rotatingSignedBytes(fields, w), signature: bytes.slice(bytes.length - SIGNATURE_BYTES) };
}
