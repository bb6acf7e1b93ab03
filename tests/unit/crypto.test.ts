import { createCipheriv, createHash, createPublicKey, createHmac, generateKeyPairSync, hkdfSync, randomBytes, sign } from "node:crypto";
import { KeyRing, parseKey } from "../../src/services/crypto/key-ring";
import { purposeKeys } from "../../src/services/crypto/purpose-keys";
import { KeyNotConfigured, Sealer } from "../../src/services/crypto/sealer";
import { CODE_LENGTH, isWellFormedCode, newCodeDigits } from "../../src/services/crypto/code-digits";
import { brandOf, luhnCheckDigit, luhnValid } from "../../src/services/crypto/luhn";
import { hashPassword, verifyPassword } from "../../src/services/crypto/password";
import { TicketSigner, ticketKeyIdOf } from "../../src/services/crypto/ticket-signer";
import { derOfPem, ticketKeyIdOfSpki } from "../../clients/wire/ticket-code";
import { rotationText, rotationWindow } from "../../clients/wire/rotation";

describe("Luhn and card brands", () => {
  it.each([
    ["4242424242424242", "VISA"],
    ["5555555555554444", "MASTERCARD"],
    ["3530111333300000", "JCB"],
    ["378282246310005", "AMEX"],
  ])("accepts the test card %s as %s", (pan, brand) => {
    expect(luhnValid(pan)).toBe(true);
    expect(brandOf(pan)).toBe(brand);
  });

  it("rejects a one-digit typo and non-digits", () => {
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(luhnValid("42424242424242a2")).toBe(false);
  });

  it("computes the digit that makes a number valid", () => {
    expect(luhnCheckDigit("424242424242424")).toBe("2");
    expect(luhnValid("7992739871" + luhnCheckDigit("7992739871"))).toBe(true);
  });
});

describe("one-time code digits", () => {
  it("are 20 digits with a check digit, and differ each time", () => {
    const codes = new Set(Array.from({ length: 200 }, newCodeDigits));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(new RegExp(`^\\d{${CODE_LENGTH}}$`));
      expect(isWellFormedCode(code)).toBe(true);
    }
  });

  it("catch a mistyped digit before any lookup", () => {
    const code = newCodeDigits();
    const typo = code.slice(0, 5) + String((Number(code[5]) + 1) % 10) + code.slice(6);
    expect(isWellFormedCode(typo)).toBe(false);
    expect(isWellFormedCode(code.slice(1))).toBe(false);
  });
});

describe("card number encryption", () => {
  const key = randomBytes(32);
  const sealer = (current: Buffer, previous: Buffer[] = []) => new Sealer(new KeyRing(current, previous), "CARD_KEY or CARD_KEYS_PREVIOUS");

  it("round-trips a PAN, and the ciphertext does not contain it", () => {
    const cipher = sealer(key);
    const { ciphertext, keyId } = cipher.seal("4242424242424242");
    expect(ciphertext).not.toContain("4242424242424242");
    expect(Buffer.from(ciphertext, "base64").toString("latin1")).not.toContain("4242");
    expect(cipher.open(ciphertext, keyId)).toBe("4242424242424242");
  });

  it("refuses a tampered ciphertext", () => {
    const cipher = sealer(key);
    const { ciphertext, keyId } = cipher.seal("4242424242424242");
    const raw = Buffer.from(ciphertext, "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.open(raw.toString("base64"), keyId)).toThrow();
  });

  it("still decrypts what an old key encrypted after rotation, by key id; a missing key is named by id and variables, never shown", () => {
    const sealed = sealer(key).seal("5555555555554444");
    const rotated = sealer(randomBytes(32), [key]);
    expect(rotated.currentKeyId).not.toBe(sealed.keyId);
    expect(rotated.open(sealed.ciphertext, sealed.keyId)).toBe("5555555555554444");
    let error: unknown;
    try {
      sealer(randomBytes(32)).open(sealed.ciphertext, sealed.keyId);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyNotConfigured);
    expect((error as Error).message).toBe(`sealed under key id ${sealed.keyId}, which is not configured (CARD_KEY or CARD_KEYS_PREVIOUS)`);
  });

  it("opens what the server sealed before key rings existed: same layout (iv | tag | body), same key id", () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update("3530111333300000", "utf8"), cipher.final()]);
    const old = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    const oldKeyId = createHash("sha256").update(key).digest("hex").slice(0, 12);
    expect(sealer(key).currentKeyId).toBe(oldKeyId);
    expect(sealer(key).open(old, oldKeyId)).toBe("3530111333300000");
  });

  it("binds a sealed value to its row: another row's context does not open it", () => {
    const cipher = sealer(key);
    const sealed = cipher.seal("whsec_abc", "partner-1");
    expect(cipher.open(sealed.ciphertext, sealed.keyId, "partner-1")).toBe("whsec_abc");
    expect(() => cipher.open(sealed.ciphertext, sealed.keyId, "partner-2")).toThrow();
  });

  it("reads a key as hex or base64, and nothing shorter, without repeating it", () => {
    expect(parseKey(key.toString("hex")).equals(key)).toBe(true);
    expect(parseKey(key.toString("base64")).equals(key)).toBe(true);
    expect(() => parseKey("too-short")).toThrow(/32 bytes/);
    expect(() => parseKey("too-short")).not.toThrow(/too-short/);
  });
});

describe("keys by purpose", () => {
  const cardKey = randomBytes(32);
  const none = { previous: [] };
  const onlyCardKey = (current: Buffer, previous: Buffer[] = []) =>
    purposeKeys({ card: { current, previous }, codeHash: none, cardFingerprint: none, webhookSecret: none });
  // What the server derived from CARD_KEY before each purpose had a key ring.
  const derivedAsBefore = (key: Buffer, info: string) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), info, 32));
  const hmacHex = (key: Buffer, value: string) => createHmac("sha256", key).update(value).digest("hex");

  it("with CARD_KEY alone, hash codes, fingerprint cards and derive old webhook secrets exactly as before", () => {
    const keys = onlyCardKey(cardKey);
    expect(keys.codes.hash("12345678901234567890")).toBe(hmacHex(derivedAsBefore(cardKey, "wallet-center code hash"), "12345678901234567890"));
    expect(keys.fingerprints.hash("4242424242424242")).toBe(hmacHex(derivedAsBefore(cardKey, "wallet-center pan fingerprint"), "4242424242424242"));
    expect(keys.legacyWebhookKey.equals(derivedAsBefore(cardKey, "wallet-center webhook secrets"))).toBe(true);
    expect(keys.codes.hasEarlier).toBe(false);
    expect(keys.codes.earlierHashes("12345678901234567890")).toEqual([]);
    // Four purposes, four different keys.
    const ids = new Set([keys.cards.currentKeyId, keys.codes.currentKeyId, keys.fingerprints.currentKeyId, keys.webhookSecrets.currentKeyId]);
    expect(ids.size).toBe(4);
  });

  it("when CARD_KEY alone rotates, every derived purpose still reads what the previous card key's derivation made", () => {
    const before = onlyCardKey(cardKey);
    const after = onlyCardKey(randomBytes(32), [cardKey]);
    expect(after.codes.hash("12345678901234567890")).not.toBe(before.codes.hash("12345678901234567890"));
    expect(after.codes.earlierHashes("12345678901234567890")).toEqual([before.codes.hash("12345678901234567890")]);
    expect(after.fingerprints.earlierHashes("4242424242424242")).toEqual([before.fingerprints.hash("4242424242424242")]);
    const secret = before.webhookSecrets.seal("whsec_x", "p1");
    expect(after.webhookSecrets.open(secret.ciphertext, secret.keyId, "p1")).toBe("whsec_x");
  });

  it("a purpose with its own key uses it, and still reads its previous keys and what the card keys' derivations made", () => {
    const codeKey = randomBytes(32);
    const oldCodeKey = randomBytes(32);
    const derived = onlyCardKey(cardKey);
    const own = purposeKeys({ card: { current: cardKey, previous: [] }, codeHash: { current: codeKey, previous: [oldCodeKey] }, cardFingerprint: none, webhookSecret: none });
    expect(own.codes.hash("12345678901234567890")).toBe(hmacHex(codeKey, "12345678901234567890"));
    expect(own.codes.earlierHashes("12345678901234567890")).toEqual([hmacHex(oldCodeKey, "12345678901234567890"), derived.codes.hash("12345678901234567890")]);
    // The other purposes are untouched by CODE_HASH_KEY.
    expect(own.fingerprints.hash("4242424242424242")).toBe(derived.fingerprints.hash("4242424242424242"));
    expect(own.cards.currentKeyId).toBe(derived.cards.currentKeyId);
  });
});

describe("password hashing", () => {
  it("verifies the right password only, with its parameters in the hash", async () => {
    const hash = await hashPassword("correct horse", 10);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsf", hash)).toBe(false);
    expect(await hashPassword("correct horse", 10)).not.toBe(hash); // salted
  });

  it("keeps old hashes verifiable after the cost is raised", async () => {
    const cheap = await hashPassword("pw-12345678", 10);
    const dear = await hashPassword("pw-12345678", 12);
    expect(dear).toMatch(/^scrypt\$4096\$/);
    expect(await verifyPassword("pw-12345678", cheap)).toBe(true);
    expect(await verifyPassword("pw-12345678", dear)).toBe(true);
  });
});

describe("ticket code signatures", () => {
  const pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const claims = { t: "ticket-1", e: "event-1", v: 1, vf: 0, vu: 2_000_000_000, x: 2_000_000_000 };

  it("verifies its own first-format (T1) codes and names the key", async () => {
    const signer = new TicketSigner(pem());
    const code = signer.signFirstFormat(claims);
    expect(code.startsWith("T1.")).toBe(true);
    await expect(signer.verify(code)).resolves.toMatchObject({ ...claims, k: signer.keyId });
  });

  it("rejects a changed payload, a foreign key, and garbage", async () => {
    const signer = new TicketSigner(pem());
    const code = signer.signFirstFormat(claims);
    const [prefix, body, signature] = code.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), v: 2 })).toString("base64url");
    await expect(signer.verify(`${prefix}.${forged}.${signature}`)).resolves.toBeNull();
    await expect(new TicketSigner(pem()).verify(code)).resolves.toBeNull();
    await expect(signer.verify("T1.garbage")).resolves.toBeNull();
    await expect(signer.verify("12345678901234567890")).resolves.toBeNull();
  });

  it("names a key the same with WebCrypto (gates, browsers) as with node:crypto (the signer)", async () => {
    const signer = new TicketSigner(pem());
    expect(await ticketKeyIdOfSpki(derOfPem(signer.publicKeyPem))).toBe(signer.keyId);
    expect(signer.keyId).toBe(ticketKeyIdOf(createPublicKey(signer.publicKeyPem)));
  });

  it("takes a rotating code's P-256 signature as IEEE P1363 or DER, as device proofs and P1 tokens do", async () => {
    const signer = new TicketSigner(pem());
    const device = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = device.publicKey.export({ type: "spki", format: "der" }).toString("base64url");
    const credential = signer.signCredential({ ...claims, di: "device-1", d: spki, a: "ES256" });
    const at = new Date("2026-12-20T09:00:00Z");
    const window = rotationWindow(at);
    const text = Buffer.from(rotationText(credential, window));
    const codeWith = (dsaEncoding: "der" | "ieee-p1363", signed = text) => `${credential}.${window}.${sign("sha256", signed, { key: device.privateKey, dsaEncoding }).toString("base64url")}`;
    for (const encoding of ["ieee-p1363", "der"] as const) {
      await expect(signer.verify(codeWith(encoding), at)).resolves.toMatchObject({ t: "ticket-1", w: window, stale: false });
      await expect(signer.verify(codeWith(encoding, Buffer.from(rotationText(credential, window + 1))), at)).resolves.toBeNull();
    }
    // A DER signature with a byte changed, cut short or padded is no signature.
    const der = codeWith("der");
    const bytes = Buffer.from(der.slice(der.lastIndexOf(".") + 1), "base64url");
    const withSignature = (b: Buffer) => `${credential}.${window}.${b.toString("base64url")}`;
    for (const bad of [Buffer.concat([bytes, Buffer.from([0])]), bytes.subarray(0, bytes.length - 1), Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])]) {
      await expect(signer.verify(withSignature(bad), at)).resolves.toBeNull();
    }
  });

  it("accepts first-format codes of a previous key after rotation", async () => {
    const old = new TicketSigner(pem());
    const code = old.signFirstFormat(claims);
    const rotated = new TicketSigner(pem(), [old.publicKeyPem]);
    await expect(rotated.verify(code)).resolves.toMatchObject({ t: "ticket-1", k: old.keyId });
  });
});
