import { generateKeyPairSync } from "node:crypto";
import { DeviceKey, rotatingTicketCode } from "../../clients/device-key";
import { BASE45_ALPHABET, fromBase45, toBase45 } from "../../clients/wire/base45";
import {
  COMPACT_ROTATING_PREFIX,
  STATIC_CODE_PREFIX,
  parseCompactRotatingCode,
  parseRotatingCredential,
  parseStaticTicketCode,
  rotatingCredential,
  staticTicketBody,
} from "../../clients/wire/compact-ticket";
import { ROTATION_PERIOD_SECONDS, rotationWindow } from "../../clients/wire/rotation";
import { TicketCodeVerifier, type RotatingKey, type RotatingTicketKeys } from "../../clients/wire/ticket-code";
import { TicketSigner } from "../../src/services/crypto/ticket-signer";
import { newId } from "../../src/services/kernel/ids";

const MAX_U32 = 0xffff_ffff;
const pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const at = new Date("2026-12-20T09:00:05Z");
const seconds = (iso: string) => Date.parse(iso) / 1000;
const claims = () => ({ t: newId(), e: newId(), v: 1, vf: seconds("2026-12-20T08:00:00Z"), vu: seconds("2026-12-20T23:00:00Z"), x: seconds("2026-12-20T23:00:00Z") });
/** The code with one base45 character replaced by another that still decodes: the bytes differ. */
const altered = (code: string, index: number) => {
  const chars = [...code];
  chars[index] = chars[index] === "0" ? "1" : "0";
  return chars.join("");
};
/** The code's bytes with one flipped, written again. */
const flipped = (code: string, prefix: string, byte: number) => {
  const bytes = fromBase45(code.slice(prefix.length))!;
  bytes[byte] ^= 0x01;
  return prefix + toBase45(bytes);
};

describe("base45 (RFC 9285)", () => {
  it("encodes and decodes the RFC's examples", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(toBase45(text("AB"))).toBe("BB8");
    expect(toBase45(text("Hello!!"))).toBe("%69 VD92EX0");
    expect(toBase45(text("base-45"))).toBe("UJCLQE7W581");
    expect(new TextDecoder().decode(fromBase45("QED8WEX0")!)).toBe("ietf!");
    expect(toBase45(new Uint8Array())).toBe("");
  });

  it("round-trips any bytes, and writes only the alphanumeric QR alphabet", () => {
    for (const length of [1, 2, 3, 64, 117, 255]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 73 + length) & 0xff);
      const encoded = toBase45(bytes);
      expect(encoded).toMatch(/^[0-9A-Z $%*+\-./:]*$/);
      expect(encoded.length).toBe(Math.floor(length / 2) * 3 + (length % 2) * 2);
      expect(fromBase45(encoded)).toEqual(bytes);
    }
    expect(fromBase45(toBase45(Uint8Array.of(0xff, 0xff, 0xff)))).toEqual(Uint8Array.of(0xff, 0xff, 0xff));
    expect(BASE45_ALPHABET).toHaveLength(45);
  });

  it("refuses text no bytes encode to: above 65535, a lone last character, characters outside the alphabet", () => {
    expect(fromBase45("GGW")).toBeNull(); // the RFC's example: 65536
    expect(fromBase45(":::")).toBeNull();
    expect(fromBase45("::")).toBeNull(); // 2024 > 255
    expect(fromBase45("BB8A")).toBeNull();
    expect(fromBase45("bb8")).toBeNull();
    expect(fromBase45("BB#")).toBeNull();
  });
});

describe("T3: compact static ticket codes", () => {
  it("round-trips every field at the ends of its range", () => {
    const ids = { t: "00000000-0000-7000-8000-000000000000", e: "ffffffff-ffff-7fff-bfff-ffffffffffff" };
    for (const [v, time] of [
      [0, 0],
      [127, 1],
      [128, 2 ** 31],
      [16_383, MAX_U32 - 1],
      [MAX_U32, MAX_U32],
    ]) {
      const fields = { k: "0123456789ab", ...ids, v, vf: time, vu: time, x: time };
      const code = STATIC_CODE_PREFIX + toBase45(new Uint8Array([...staticTicketBody(fields), ...new Uint8Array(64).fill(7)]));
      expect(parseStaticTicketCode(code)?.fields).toEqual(fields);
    }
  });

  it("refuses a field out of its range, rather than write a code that says something else", () => {
    const fields = { k: "0123456789ab", ...claims() };
    for (const bad of [{ v: -1 }, { v: MAX_U32 + 1 }, { v: 1.5 }, { vf: -1 }, { vu: MAX_U32 + 1 }, { x: Number.NaN }, { t: "ticket-1" }, { e: fields.e.toUpperCase() }, { k: "abc" }]) {
      expect(() => staticTicketBody({ ...fields, ...bad })).toThrow(RangeError);
    }
  });

  it("is at most 200 characters, the longest realistic code included, and verifies as the first format did", async () => {
    const signer = new TicketSigner(pem());
    const gate = new TicketCodeVerifier(signer.publicKeyPems);
    const longest = { ...claims(), v: MAX_U32, vf: MAX_U32, vu: MAX_U32, x: MAX_U32 };
    const code = signer.sign(longest);
    expect(code.startsWith(STATIC_CODE_PREFIX)).toBe(true);
    expect(code.length).toBeLessThanOrEqual(200);
    expect(await gate.verify(code, at)).toEqual({ k: signer.keyId, ...longest });
    const usual = signer.sign(claims());
    expect(usual.length).toBe(176);
    // The same claims in the first format, for comparison.
    expect(signer.signFirstFormat(claims()).length).toBeGreaterThan(280);
  });

  it("refuses every altered byte, a truncated code, a lengthened one, and another key's", async () => {
    const signer = new TicketSigner(pem());
    const gate = new TicketCodeVerifier(signer.publicKeyPems);
    const code = signer.sign(claims());
    const length = fromBase45(code.slice(STATIC_CODE_PREFIX.length))!.length;
    for (let byte = 0; byte < length; byte++) await expect(gate.verify(flipped(code, STATIC_CODE_PREFIX, byte), at)).resolves.toBeNull();
    for (let char = STATIC_CODE_PREFIX.length; char < code.length; char += 7) await expect(gate.verify(altered(code, char), at)).resolves.toBeNull();
    for (const cut of [1, 2, 3, 65, code.length - 3]) await expect(gate.verify(code.slice(0, code.length - cut), at)).resolves.toBeNull();
    await expect(gate.verify(`${code}00`, at)).resolves.toBeNull();
    await expect(gate.verify(code.toLowerCase(), at)).resolves.toBeNull();
    await expect(new TicketCodeVerifier(new TicketSigner(pem()).publicKeyPems).verify(code, at)).resolves.toBeNull();
  });

  it("verifies a code of a previous key while that key is in the list, and not once it is removed", async () => {
    const old = new TicketSigner(pem());
    const code = old.sign(claims());
    const rotated = new TicketSigner(pem(), [old.publicKeyPem]);
    await expect(rotated.verify(code, at)).resolves.toMatchObject({ k: old.keyId });
    await expect(new TicketCodeVerifier(rotated.publicKeyPems).verify(code, at)).resolves.toMatchObject({ k: old.keyId });
    await expect(new TicketCodeVerifier([rotated.publicKeyPem]).verify(code, at)).resolves.toBeNull();
  });
});

describe("T4: compact rotating ticket codes", () => {
  async function holder(algorithm: "Ed25519" | "ES256" = "Ed25519", v = 1) {
    const key = await DeviceKey.generate({ algorithm });
    const fields = { t: newId(), e: newId(), v };
    const bound: RotatingKey = { deviceId: newId(), publicKey: key.publicKey, algorithm, holderVersion: v };
    const ticket: RotatingTicketKeys = { validFrom: seconds("2026-12-20T08:00:00Z"), validUntil: seconds("2026-12-20T23:00:00Z"), keys: [bound] };
    const lookup = (id: string) => (id === fields.t ? ticket : null);
    return { key, fields, bound, ticket, lookup, credential: rotatingCredential(fields) };
  }

  it.each(["Ed25519", "ES256"] as const)("is at most 200 characters and verifies with a key of the ticket's holder (%s)", async (algorithm) => {
    const { key, fields, bound, ticket, lookup, credential } = await holder(algorithm, MAX_U32);
    expect(parseRotatingCredential(credential)).toEqual(fields);
    const code = await rotatingTicketCode(credential, key, at);
    expect(code.startsWith(COMPACT_ROTATING_PREFIX)).toBe(true);
    expect(code.length).toBeLessThanOrEqual(200);
    const gate = new TicketCodeVerifier([]);
    expect(await gate.verify(code, at, lookup)).toEqual({
      k: "",
      ...fields,
      vf: ticket.validFrom,
      vu: ticket.validUntil,
      x: ticket.validUntil,
      di: bound.deviceId,
      d: bound.publicKey,
      a: algorithm,
      w: rotationWindow(at),
      stale: false,
    });
    // Without the ticket's keys (no snapshot of it, no lookup) a gate cannot take it.
    await expect(gate.verify(code, at)).resolves.toBeNull();
    await expect(gate.verify(code, at, () => null)).resolves.toBeNull();
  });

  it("is 155 characters for a usual ticket, against about 600 for the first rotating format", async () => {
    const { key, credential } = await holder();
    expect((await rotatingTicketCode(credential, key, at)).length).toBe(155);
  });

  it("round-trips the window at the ends of its range, and refuses one out of it", async () => {
    const { fields } = await holder();
    for (const w of [0, 1, rotationWindow(at), MAX_U32]) {
      const code = COMPACT_ROTATING_PREFIX + toBase45(new Uint8Array([...fromBase45(rotatingCredential(fields).slice(3))!, w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff, ...new Uint8Array(64)]));
      expect(parseCompactRotatingCode(code)).toMatchObject({ ...fields, w });
    }
    expect(parseRotatingCredential(`${rotatingCredential(fields)}00`)).toBeNull();
  });

  it("is stale outside the scan's window and its neighbours", async () => {
    const { key, lookup, credential } = await holder();
    const code = await rotatingTicketCode(credential, key, at);
    const gate = new TicketCodeVerifier([]);
    const later = (periods: number) => new Date(at.getTime() + periods * ROTATION_PERIOD_SECONDS * 1000);
    await expect(gate.verify(code, later(1), lookup)).resolves.toMatchObject({ stale: false });
    await expect(gate.verify(code, later(2), lookup)).resolves.toMatchObject({ stale: true });
    await expect(gate.verify(code, later(-2), lookup)).resolves.toMatchObject({ stale: true });
  });

  it("refuses every altered byte, a truncated code, another device's signature, and a key of the holder at another holder version", async () => {
    const { key, fields, bound, lookup, credential, ticket } = await holder("ES256");
    const gate = new TicketCodeVerifier([]);
    const code = await rotatingTicketCode(credential, key, at);
    const length = fromBase45(code.slice(COMPACT_ROTATING_PREFIX.length))!.length;
    for (let byte = 0; byte < length; byte++) await expect(gate.verify(flipped(code, COMPACT_ROTATING_PREFIX, byte), at, lookup)).resolves.toBeNull();
    for (const cut of [1, 2, 3, 64, code.length - 3]) await expect(gate.verify(code.slice(0, code.length - cut), at, lookup)).resolves.toBeNull();
    // The credential alone is no code.
    await expect(gate.verify(credential, at, lookup)).resolves.toBeNull();
    const impostor = await DeviceKey.generate({ algorithm: "ES256" });
    await expect(gate.verify(await rotatingTicketCode(credential, impostor, at), at, lookup)).resolves.toBeNull();
    // A key counts only for the holder version its owner holds the ticket at.
    const asVersion2 = await rotatingTicketCode(rotatingCredential({ ...fields, v: 2 }), key, at);
    await expect(gate.verify(asVersion2, at, lookup)).resolves.toBeNull();
    const boundAt2 = { ...ticket, keys: [{ ...bound, holderVersion: 2 }] };
    await expect(gate.verify(code, at, () => boundAt2)).resolves.toBeNull();
  });
});
