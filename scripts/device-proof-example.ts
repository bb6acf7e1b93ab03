import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { parseDevicePublicKey, verifyDeviceSignature } from "../src/services/crypto/device-keys";
import { proofText } from "../src/services/devices/device-proof-text";

/**
 * The worked example of docs/device-proofs.md, made with a real key: an Ed25519 key
 * from a fixed seed (Ed25519 signatures are deterministic, so the output never changes)
 * signs the canonical text of one issuePaymentCode. tests/unit/device-proofs.test.ts
 * checks that the document shows exactly this. Run: node dist/scripts/device-proof-example.js
 */
export function workedExample() {
  const seed = Buffer.from("wallet-center device proof ex. 1", "utf8"); // 32 bytes
  // PKCS#8 of an Ed25519 private key: a fixed 16-byte prefix, then the 32-byte seed.
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64url");
  const deviceId = "019ac3f0-5b2e-7c41-8d3a-6f0e2b9c4d17";
  const args = { cardId: "019ac3e8-1a07-7f52-9b64-3c8d5e2f1a90", maxAmount: 5000 };
  const payload = proofText("issuePaymentCode", args, deviceId, 42);
  const signature = sign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64url");
  const parsed = parseDevicePublicKey(publicKey);
  if (!parsed || !verifyDeviceSignature(parsed.algorithm, parsed.key, payload, signature)) throw new Error("the worked example does not verify");
  return { seedHex: seed.toString("hex"), publicKey, deviceId, args, payload, signature };
}

if (require.main === module) {
  const example = workedExample();
  process.stdout.write(`${JSON.stringify({ ...example, payload: undefined }, null, 2)}\n\npayload:\n${example.payload}\n`);
}
