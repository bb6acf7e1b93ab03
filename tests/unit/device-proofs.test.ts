import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync, sign } from "node:crypto";
import { DeviceKey, proofText as clientProofText } from "../../clients/device-key";
import { parseDevicePublicKey, verifyDeviceSignature } from "../../src/services/crypto/device-keys";
import { counterOf, firstDifference, proofText } from "../../src/services/devices/device-proof-text";

const DEVICE_ID = "0193b8e2-7c41-7a3e-9f1d-2b6c4e8a1f00";

describe("the canonical text of a device proof", () => {
  it("is built alike by the phone's client and the server, for every operation", () => {
    const cases = [
      ["issuePaymentCode", { cardId: "c-1", maxAmount: 5000 }],
      ["issuePaymentCode", { cardId: "c-1", maxAmount: null }],
      ["issueMemberCode", { programId: "p-1" }],
      ["issueBillCode", { billId: "b-1" }],
      ["issueTicketCode", { ticketId: "t-1" }],
      ["issueRotatingTicket", { ticketId: "t-1" }],
      ["respondToConfirmation", { requestId: "r-1", approve: false }],
    ] as const;
    for (const [operation, args] of cases) {
      const server = proofText(operation, args as never, DEVICE_ID, 7);
      expect(clientProofText(operation, args as never, DEVICE_ID, 7)).toBe(server);
      expect(counterOf(server)).toBe(7);
    }
    expect(proofText("issuePaymentCode", { cardId: "c-1", maxAmount: null }, DEVICE_ID, 42)).toBe(
      `wallet-center device proof v1\noperation: issuePaymentCode\ndevice: ${DEVICE_ID}\ncounter: 42\ncardId: "c-1"\nmaxAmount: null`,
    );
    // An argument left out is null, on the phone as on the server.
    expect(clientProofText("issuePaymentCode", { cardId: "c-1", maxAmount: undefined }, DEVICE_ID, 1)).toBe(
      proofText("issuePaymentCode", { cardId: "c-1", maxAmount: null }, DEVICE_ID, 1),
    );
  });

  it("quotes string arguments as JSON, so no argument can forge a line", () => {
    const text = proofText("issueBillCode", { billId: 'b"\ncounter: 99' }, DEVICE_ID, 1);
    expect(text.split("\n")).toHaveLength(5);
    expect(text.split("\n")[4]).toBe('billId: "b\\"\\ncounter: 99"');
  });

  it("names its counter only as a whole number from 1 to 2^53 - 1, without leading zeros", () => {
    const withCounter = (c: string) => `wallet-center device proof v1\noperation: issueBillCode\ndevice: x\ncounter: ${c}\nbillId: "b"`;
    expect(counterOf(withCounter("1"))).toBe(1);
    expect(counterOf(withCounter(String(Number.MAX_SAFE_INTEGER)))).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ["0", "01", "-1", "1.5", "1e3", " 1", "9007199254740992", "99999999999999999"]) expect(counterOf(withCounter(bad))).toBeNull();
    expect(counterOf("counter: 5")).toBeNull();
  });

  it("says which line of a payload differs from the expected text", () => {
    const expected = proofText("issuePaymentCode", { cardId: "c-1", maxAmount: 100 }, DEVICE_ID, 3);
    const other = proofText("issuePaymentCode", { cardId: "c-1", maxAmount: 200 }, DEVICE_ID, 3);
    expect(firstDifference(other, expected)).toEqual({ line: 6, field: "maxAmount" });
    expect(firstDifference(`${expected}\n`, expected)).toEqual({ line: 7, field: "end" });
    expect(firstDifference(expected.replace("v1", "v2"), expected)).toEqual({ line: 1, field: "header" });
    expect(firstDifference(expected, expected)).toBeNull();
  });
});

describe("device public keys and signatures", () => {
  const spki = (key: ReturnType<typeof generateKeyPairSync>["publicKey"]) => key.export({ type: "spki", format: "der" }).toString("base64url");

  it("accepts Ed25519 and P-256 keys, and nothing else", () => {
    expect(parseDevicePublicKey(spki(generateKeyPairSync("ed25519").publicKey))?.algorithm).toBe("Ed25519");
    expect(parseDevicePublicKey(spki(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey))?.algorithm).toBe("ES256");
    expect(parseDevicePublicKey(spki(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey))).toBeNull();
    expect(parseDevicePublicKey(spki(generateKeyPairSync("x25519").publicKey))).toBeNull();
    expect(parseDevicePublicKey(spki(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey))).toBeNull();
    const privateDer = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }).toString("base64url");
    expect(parseDevicePublicKey(privateDer)).toBeNull();
    for (const garbage of ["", "not base64!", "AAAA", "A".repeat(500)]) expect(parseDevicePublicKey(garbage)).toBeNull();
  });

  it.each(["Ed25519", "ES256"] as const)("verifies what WebCrypto signs with a %s DeviceKey, and only that", async (algorithm) => {
    const key = await DeviceKey.generate({ algorithm });
    key.deviceId = DEVICE_ID;
    const parsed = parseDevicePublicKey(key.publicKey)!;
    expect(parsed.algorithm).toBe(algorithm);
    const proof = await key.prove("issueBillCode", { billId: "b-1" });
    expect(proof.payload).toBe(proofText("issueBillCode", { billId: "b-1" }, DEVICE_ID, 1));
    expect(verifyDeviceSignature(algorithm, parsed.key, proof.payload, proof.signature)).toBe(true);
    expect(verifyDeviceSignature(algorithm, parsed.key, proof.payload.replace("b-1", "b-2"), proof.signature)).toBe(false);
    const other = parseDevicePublicKey((await DeviceKey.generate({ algorithm })).publicKey)!;
    expect(verifyDeviceSignature(algorithm, other.key, proof.payload, proof.signature)).toBe(false);
    expect(verifyDeviceSignature(algorithm, parsed.key, proof.payload, "!!")).toBe(false);
    expect(verifyDeviceSignature(algorithm, parsed.key, proof.payload, "")).toBe(false);
    // The next proof carries the next counter.
    expect(counterOf((await key.prove("issueBillCode", { billId: "b-1" })).payload)).toBe(2);
  });

  it("takes a DER-encoded ES256 signature too, as phones' secure elements make them", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const parsed = parseDevicePublicKey(spki(publicKey))!;
    const payload = proofText("issueTicketCode", { ticketId: "t-1" }, DEVICE_ID, 9);
    const der = sign("sha256", Buffer.from(payload), { key: privateKey, dsaEncoding: "der" }).toString("base64url");
    expect(verifyDeviceSignature("ES256", parsed.key, payload, der)).toBe(true);
    expect(verifyDeviceSignature("ES256", parsed.key, payload.replace("t-1", "t-2"), der)).toBe(false);
    // An Ed25519 signature is 64 bytes: a DER one is not taken for it.
    expect(verifyDeviceSignature("Ed25519", parseDevicePublicKey(spki(generateKeyPairSync("ed25519").publicKey))!.key, payload, der)).toBe(false);
  });
});

describe("the worked example of docs/device-proofs.md", () => {
  it("is what scripts/device-proof-example.ts makes, and WebCrypto verifies it", async () => {
    const { workedExample } = await import("../../scripts/device-proof-example");
    const example = workedExample();
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "device-proofs.md"), "utf8");
    for (const shown of [example.seedHex, example.publicKey, example.deviceId, example.args.cardId, example.signature]) expect(doc).toContain(shown);
    expect(doc).toContain("```\n" + example.payload + "\n```");
    const { subtle } = globalThis.crypto;
    const key = await subtle.importKey("spki", Buffer.from(example.publicKey, "base64url"), { name: "Ed25519" }, false, ["verify"]);
    expect(await subtle.verify({ name: "Ed25519" }, key, Buffer.from(example.signature, "base64url"), new TextEncoder().encode(example.payload))).toBe(true);
  });
});
