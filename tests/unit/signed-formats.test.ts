import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DENIAL_REASONS } from "../../clients/wire/admission-rules";
import { PROOF_ARGUMENTS } from "../../clients/wire/proof-text";
import { ROTATING_OFFLINE_SECONDS, SCAN_MAX_AHEAD_SECONDS } from "../../clients/wire/scan-time";
import { TicketCodeVerifier } from "../../clients/wire/ticket-code";
import { signedFormatExamples } from "../../scripts/signed-format-examples";

const docs = join(__dirname, "..", "..", "docs");
const read = (name: string) => readFileSync(join(docs, name), "utf8");
/** A text shown alone in a fenced block, as a phone maker would copy it. */
const block = (text: string, language = "") => "```" + language + "\n" + text + "\n```";

describe("docs/signed-formats.md", () => {
  it("shows the worked examples exactly as scripts/signed-format-examples.ts makes them", async () => {
    const doc = read("signed-formats.md");
    const { device, p1, ticketKey, t1, t2 } = await signedFormatExamples();
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
    ]) {
      expect(doc).toContain(shown);
    }
    expect(doc).toContain(`the window is \`${t2.window}\``);
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
