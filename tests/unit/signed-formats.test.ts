import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DENIAL_REASONS } from "../../clients/wire/admission-rules";
import { PROOF_ARGUMENTS } from "../../clients/wire/proof-text";
import { ROTATING_OFFLINE_SECONDS, SCAN_MAX_AHEAD_SECONDS } from "../../clients/wire/scan-time";
import { TicketCodeVerifier, derOfPem } from "../../clients/wire/ticket-code";
import { fromBase45, toBase45 } from "../../clients/wire/base45";
import { parseStaticTicketCode } from "../../clients/wire/compact-ticket";
import { signedFormatExamples } from "../../scripts/signed-format-examples";

const docs = join(__dirname, "..", "..", "docs");
const read = (name: string) => readFileSync(join(docs, name), "utf8");
/** A text shown alone in a fenced block, as a phone maker would copy it. */
const block = (text: string, language = "") => "```" + language + "\n" + text + "\n```";

describe("docs/signed-formats.md", () => {
  it("shows the worked examples exactly as scripts/signed-format-examples.ts makes them", async () => {
    const doc = read("signed-formats.md");
    const { device, p1, ticketKey, t1, t2, t3, t4 } = await signedFormatExamples();
    for (const value of [device.seedHex, device.publicKey, device.deviceId, device.cardId, ticketKey.seedHex, ticketKey.keyId]) expect(doc).toContain(value);
    for (const shown of [
      block(p1.claimsJson, "json"),
      block(p1.encodedClaims),
      block(p1.text),
      block(p1.signature),
      block(p1.token),
      block(ticketKey.publicKeyPem),
      block(t1.claimsJson, "json"),
      block(t1.code),
      block(t2.proof),
      block(t2.proofSignature),
      block(t2.credentialClaimsJson, "json"),
      block(t2.credential),
      block(t2.windowText),
      block(t2.code),
      block(t3.bodyHex),
      block(t3.signedHex),
      block(t3.signatureHex),
      block(t3.code),
      block(t4.credential),
      block(t4.signedHex),
      block(t4.signatureHex),
      block(t4.code),
    ]) {
      expect(doc).toContain(shown);
    }
    expect(doc).toContain(`the window is \`${t2.window}\``);
    expect(doc).toContain(`the window is \`${t4.window}\`; the device signs (hex)`);
  });

  it("has compact examples (T3, T4) a gate reads from the page's values alone: base45, the layout, and the signatures with WebCrypto", async () => {
    const { device, ticketKey, t1, t3, t4 } = await signedFormatExamples();
    const { subtle } = globalThis.crypto;
    const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
    // The code is the prefix and base45 of the body and the signature; the ticket key signed the prefix and the body.
    expect(t3.code).toBe(`T3:${toBase45(new Uint8Array([...hex(t3.bodyHex), ...hex(t3.signatureHex)]))}`);
    expect(t3.signedHex).toBe(Buffer.from("T3:").toString("hex") + t3.bodyHex);
    const ticketPublicKey = await subtle.importKey("spki", derOfPem(ticketKey.publicKeyPem), { name: "Ed25519" }, false, ["verify"]);
    expect(await subtle.verify({ name: "Ed25519" }, ticketPublicKey, hex(t3.signatureHex), hex(t3.signedHex))).toBe(true);
    expect(t3.code.length).toBeLessThanOrEqual(200);
    // The body says what the T1 example's claims say.
    const { k, ...claims } = JSON.parse(t1.claimsJson);
    expect(parseStaticTicketCode(t3.code)?.fields).toEqual({ k, ...claims });

    const deviceKey = await subtle.importKey("spki", Buffer.from(device.publicKey, "base64url"), { name: "Ed25519" }, false, ["verify"]);
    expect(await subtle.verify({ name: "Ed25519" }, deviceKey, hex(t4.signatureHex), hex(t4.signedHex))).toBe(true);
    const header = Buffer.from("wallet-center rotating ticket v2\n").toString("hex");
    const credentialHex = Buffer.from(fromBase45(t4.credential.slice(3))!).toString("hex");
    const windowHex = t4.window.toString(16).padStart(8, "0");
    expect(t4.signedHex).toBe(header + credentialHex + windowHex);
    expect(t4.code).toBe(`T4:${toBase45(new Uint8Array([...hex(credentialHex + windowHex), ...hex(t4.signatureHex)]))}`);
    expect(t4.code.length).toBeLessThanOrEqual(200);
    const gate = new TicketCodeVerifier([ticketKey.publicKeyPem]);
    const at = new Date(t1.scannedAt);
    expect(await gate.verify(t4.code, at, () => t4.holderKeys)).toMatchObject({ ...claims, x: claims.vu, di: device.deviceId, w: t4.window, stale: false });
    expect(await gate.verify(t3.code, at)).toEqual({ k, ...claims });
  });

  it("has examples a gate and a phone verify from the page's values alone, with WebCrypto", async () => {
    const { device, p1, ticketKey, t1, t2 } = await signedFormatExamples();
    const { subtle } = globalThis.crypto;
    const deviceKey = await subtle.importKey("spki", Buffer.from(device.publicKey, "base64url"), { name: "Ed25519" }, false, ["verify"]);
    const holds = (signature: string, text: string) => subtle.verify({ name: "Ed25519" }, deviceKey, Buffer.from(signature, "base64url"), new TextEncoder().encode(text));
    expect(await holds(p1.signature, p1.text)).toBe(true);
    expect(p1.token).toBe(`P1.${Buffer.from(p1.claimsJson).toString("base64url")}.${p1.signature}`);
    expect(await holds(t2.proofSignature, t2.proof)).toBe(true);

    const gate = new TicketCodeVerifier([ticketKey.publicKeyPem]);
    const at = new Date(t1.scannedAt);
    expect(await gate.verify(t1.code, at)).toEqual(JSON.parse(t1.claimsJson));
    expect(await gate.verify(t2.code, at)).toMatchObject({ ...JSON.parse(t2.credentialClaimsJson), w: t2.window, stale: false });
    // A minute later the same code is a screenshot.
    expect(await gate.verify(t2.code, new Date(at.getTime() + 60_000))).toMatchObject({ stale: true });
  });

  it("names every operation a device proof approves, every gate's denial reason, and the clock limits", () => {
    const doc = read("signed-formats.md");
    const proofs = read("device-proofs.md");
    for (const operation of Object.keys(PROOF_ARGUMENTS)) {
      expect({ operation, listed: doc.includes(`\`${operation}\``) }).toEqual({ operation, listed: true });
      expect({ operation, row: new RegExp(`^\\| \`${operation}\` \\|`, "m").test(proofs) }).toEqual({ operation, row: true });
    }
    for (const reason of DENIAL_REASONS) expect({ reason, row: new RegExp(`^\\| \`${reason}\` \\|`, "m").test(doc) }).toEqual({ reason, row: true });
    expect(doc).toContain(`more than ${SCAN_MAX_AHEAD_SECONDS} seconds ahead`);
    expect(doc).toContain(`only within ${ROTATING_OFFLINE_SECONDS / 60} minutes`);
  });
});
