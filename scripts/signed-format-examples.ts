import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { OFFLINE_TOKEN_PREFIX, offlineTokenText, parseOfflineToken, type OfflineTokenClaims } from "../clients/wire/offline-token";
import { rotationText, rotationWindow } from "../clients/wire/rotation";
import { fromBase45 } from "../clients/wire/base45";
import { compactRotatingCode, rotatingCredential, rotatingSignedBytes, staticTicketBody, staticTicketSignedBytes } from "../clients/wire/compact-ticket";
import { TicketCodeVerifier } from "../clients/wire/ticket-code";
import { parseDevicePublicKey, verifyDeviceSignature } from "../src/services/crypto/device-keys";
import { TicketSigner } from "../src/services/crypto/ticket-signer";
import { proofText } from "../src/services/devices/device-proof-text";

/**
 * The worked examples of docs/signed-formats.md (P1, T3, T4, the first formats T1 and T2,
 * and the proof that asks for a rotating credential), made with real keys from fixed seeds by the code the server and the
 * web apps use. Ed25519 signatures are deterministic, so the output never changes;
 * tests/unit/signed-formats.test.ts checks that the document shows exactly this. The
 * device proof's own example is scripts/device-proof-example.ts (docs/device-proofs.md).
 * Run: node dist/scripts/signed-format-examples.js
 */

/** An Ed25519 key from a 32-byte seed: PKCS#8 is a fixed 16-byte prefix, then the seed. Never use a fixed seed for a real key. */
function ed25519FromSeed(seedText: string): { seedHex: string; privateKey: KeyObject } {
  const seed = Buffer.from(seedText, "utf8");
  if (seed.length !== 32) throw new Error(`a seed is 32 bytes, not ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  return { seedHex: seed.toString("hex"), privateKey };
}

const seconds = (iso: string): number => Date.parse(iso) / 1000;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
/** A T3 code's last 64 bytes. */
const staticSignatureOf = (code: string): Uint8Array => fromBase45(code.slice(3))!.slice(-64);

export async function signedFormatExamples() {
  // The phone's device key and ids are those of docs/device-proofs.md's example.
  const device = ed25519FromSeed("wallet-center device proof ex. 1");
  const devicePublicKey = createPublicKey(device.privateKey).export({ type: "spki", format: "der" }).toString("base64url");
  const deviceId = "019ac3f0-5b2e-7c41-8d3a-6f0e2b9c4d17";
  const cardId = "019ac3e8-1a07-7f52-9b64-3c8d5e2f1a90";
  const deviceSigns = (text: string) => sign(null, Buffer.from(text, "utf8"), device.privateKey).toString("base64url");
  const parsedDevice = parseDevicePublicKey(devicePublicKey)!;

  // P1: an offline payment token.
  const tokenClaims: OfflineTokenClaims = { di: deviceId, c: cardId, m: 5000, t: seconds("2026-12-20T09:00:00Z"), n: "c2lnbmVkLWZvcm1hdHMtZXgx" };
  const tokenClaimsJson = JSON.stringify(tokenClaims);
  const encodedTokenClaims = Buffer.from(tokenClaimsJson, "utf8").toString("base64url");
  const tokenText = offlineTokenText(encodedTokenClaims);
  const tokenSignature = deviceSigns(tokenText);
  const token = `${OFFLINE_TOKEN_PREFIX}${encodedTokenClaims}.${tokenSignature}`;
  const parsedToken = parseOfflineToken(token);
  if (!parsedToken || !verifyDeviceSignature("Ed25519", parsedDevice.key, parsedToken.text, parsedToken.signature)) throw new Error("the P1 example does not verify");

  // T1: a static ticket code of the first format, signed by the server's ticket key.
  const server = ed25519FromSeed("wallet-center ticket key ex. 1 !");
  const serverPem = server.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const signer = new TicketSigner(serverPem);
  const ticket = {
    t: "019ac401-2c3d-7e4f-8a5b-6c7d8e9f0a1b",
    e: "019ac3ff-0a1b-7c2d-9e3f-4a5b6c7d8e9f",
    v: 1,
    vf: seconds("2026-12-20T08:00:00Z"),
    vu: seconds("2026-12-20T23:00:00Z"),
  };
  const ticketClaims = { ...ticket, x: seconds("2026-12-20T23:00:00Z") };
  const ticketCode = signer.signFirstFormat(ticketClaims);
  const verifier = new TicketCodeVerifier(signer.publicKeyPems);
  const scannedAt = new Date("2026-12-20T09:00:05Z");
  if (!(await verifier.verify(ticketCode, scannedAt))) throw new Error("the T1 example does not verify");

  // T2: the proof that asks for a rotating credential, the credential, and one window's code.
  const rotatingProof = proofText("issueRotatingTicket", { ticketId: ticket.t }, deviceId, 43);
  const rotatingProofSignature = deviceSigns(rotatingProof);
  if (!verifyDeviceSignature("Ed25519", parsedDevice.key, rotatingProof, rotatingProofSignature)) throw new Error("the issueRotatingTicket proof does not verify");
  const credential = signer.signCredential({ ...ticket, x: ticket.vu, di: deviceId, d: devicePublicKey, a: "Ed25519" });
  const window = rotationWindow(scannedAt);
  const windowText = rotationText(credential, window);
  const rotatingCode = `${credential}.${window}.${deviceSigns(windowText)}`;
  const rotatingClaims = await verifier.verify(rotatingCode, scannedAt);
  if (!rotatingClaims || rotatingClaims.stale) throw new Error("the T2 example does not verify");

  // T3: the compact static code the server issues, of the same claims.
  const staticBody = staticTicketBody({ k: signer.keyId, ...ticketClaims });
  const staticSigned = staticTicketSignedBytes(staticBody);
  const staticCode = signer.sign(ticketClaims);
  if (!(await verifier.verify(staticCode, scannedAt))) throw new Error("the T3 example does not verify");

  // T4: the compact rotating credential and one window's code, signed by the device.
  const compactFields = { t: ticket.t, e: ticket.e, v: ticket.v };
  const compactCredential = rotatingCredential(compactFields);
  const compactSigned = rotatingSignedBytes(compactFields, window);
  const compactSignature = sign(null, compactSigned, device.privateKey);
  const compactCode = compactRotatingCode(compactFields, window, compactSignature);
  const holderKeys = { validFrom: ticket.vf, validUntil: ticket.vu, keys: [{ deviceId, publicKey: devicePublicKey, algorithm: "Ed25519" as const, holderVersion: ticket.v }] };
  const compactClaims = await verifier.verify(compactCode, scannedAt, () => holderKeys);
  if (!compactClaims || compactClaims.stale) throw new Error("the T4 example does not verify");

  return {
    device: { seedHex: device.seedHex, publicKey: devicePublicKey, deviceId, cardId },
    p1: { claimsJson: tokenClaimsJson, encodedClaims: encodedTokenClaims, text: tokenText, signature: tokenSignature, token },
    ticketKey: { seedHex: server.seedHex, publicKeyPem: signer.publicKeyPem.trim(), keyId: signer.keyId },
    t1: { claimsJson: JSON.stringify({ k: signer.keyId, ...ticketClaims }), code: ticketCode, scannedAt: scannedAt.toISOString() },
    t3: { bodyHex: hex(staticBody), signedHex: hex(staticSigned), signatureHex: hex(staticSignatureOf(staticCode)), code: staticCode },
    t4: { credential: compactCredential, window, signedHex: hex(compactSigned), signatureHex: hex(compactSignature), code: compactCode, holderKeys },
    t2: {
      proof: rotatingProof,
      proofSignature: rotatingProofSignature,
      credentialClaimsJson: JSON.stringify({ k: signer.keyId, ...ticket, x: ticket.vu, di: deviceId, d: devicePublicKey, a: "Ed25519" }),
      credential,
      window,
      windowText,
      code: rotatingCode,
    },
  };
}

if (require.main === module) {
  void signedFormatExamples().then((examples) => process.stdout.write(`${JSON.stringify(examples, null, 2)}\n`));
}
