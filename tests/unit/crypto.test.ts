import { generateKeyPairSync, randomBytes } from "node:crypto";
import { CardCipher, parseCardKey } from "../../src/services/crypto/card-cipher";
import { CODE_LENGTH, isWellFormedCode, newCodeDigits } from "../../src/services/crypto/code-digits";
import { brandOf, luhnCheckDigit, luhnValid } from "../../src/services/crypto/luhn";
import { hashPassword, verifyPassword } from "../../src/services/crypto/password";
import { TicketSigner } from "../../src/services/crypto/ticket-signer";

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

  it("round-trips a PAN, and the ciphertext does not contain it", () => {
    const cipher = new CardCipher(key);
    const { ciphertext, keyId } = cipher.encrypt("4242424242424242");
    expect(ciphertext).not.toContain("4242424242424242");
    expect(Buffer.from(ciphertext, "base64").toString("latin1")).not.toContain("4242");
    expect(cipher.decrypt(ciphertext, keyId)).toBe("4242424242424242");
  });

  it("refuses a tampered ciphertext", () => {
    const cipher = new CardCipher(key);
    const { ciphertext, keyId } = cipher.encrypt("4242424242424242");
    const raw = Buffer.from(ciphertext, "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(raw.toString("base64"), keyId)).toThrow();
  });

  it("still decrypts what an old key encrypted after rotation, by key id", () => {
    const old = new CardCipher(key);
    const sealed = old.encrypt("5555555555554444");
    const rotated = new CardCipher(randomBytes(32), [key]);
    expect(rotated.currentKeyId).not.toBe(sealed.keyId);
    expect(rotated.decrypt(sealed.ciphertext, sealed.keyId)).toBe("5555555555554444");
    expect(() => new CardCipher(randomBytes(32)).decrypt(sealed.ciphertext, sealed.keyId)).toThrow(/not configured/);
  });

  it("reads CARD_KEY as hex or base64, and nothing shorter", () => {
    expect(parseCardKey(key.toString("hex")).equals(key)).toBe(true);
    expect(parseCardKey(key.toString("base64")).equals(key)).toBe(true);
    expect(() => parseCardKey("too-short")).toThrow(/32 bytes/);
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

  it("verifies its own codes and names the key", () => {
    const signer = new TicketSigner(pem());
    const code = signer.sign(claims);
    expect(code.startsWith("T1.")).toBe(true);
    expect(signer.verify(code)).toMatchObject({ ...claims, k: signer.keyId });
  });

  it("rejects a changed payload, a foreign key, and garbage", () => {
    const signer = new TicketSigner(pem());
    const code = signer.sign(claims);
    const [prefix, body, signature] = code.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), v: 2 })).toString("base64url");
    expect(signer.verify(`${prefix}.${forged}.${signature}`)).toBeNull();
    expect(new TicketSigner(pem()).verify(code)).toBeNull();
    expect(signer.verify("T1.garbage")).toBeNull();
    expect(signer.verify("12345678901234567890")).toBeNull();
  });

  it("accepts codes of a previous key after rotation", () => {
    const old = new TicketSigner(pem());
    const code = old.sign(claims);
    const rotated = new TicketSigner(pem(), [old.publicKeyPem]);
    expect(rotated.verify(code)).toMatchObject({ t: "ticket-1", k: old.keyId });
  });
});
