import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();
const u32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};

const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const ATTESTED_DATA = 0x40;

/**
 * A platform authenticator in software, as a browser would answer WebAuthn for the
 * server's tests: an ES256 key, "none" attestation, a signature counter, and the user
 * verification flag it is told to set. Its answers are the JSON @simplewebauthn/browser
 * would send (RegistrationResponseJSON, AuthenticationResponseJSON).
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  counter = 0;

  constructor(
    readonly origin = "http://localhost:4000",
    readonly rpId = "localhost",
  ) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  register(options: { challenge: unknown }, { verified = true } = {}) {
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(this.publicJwk.x, "base64url")],
      [-3, Buffer.from(this.publicJwk.y, "base64url")],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([USER_PRESENT | (verified ? USER_VERIFIED : 0) | ATTESTED_DATA]),
      u32(this.counter),
      Buffer.alloc(16),
      idLength,
      this.credentialId,
      Buffer.from(isoCBOR.encode(cose)),
    ]);
    const statement = new Map<string, string>();
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ["fmt", "none"],
        ["attStmt", statement],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: this.clientData("webauthn.create", options.challenge), attestationObject: b64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** An assertion over the options' challenge; `counter` set to sign with that counter instead of the next one. */
  assert(options: { challenge: unknown }, { verified = true, counter }: { verified?: boolean; counter?: number } = {}) {
    const signCount = counter ?? ++this.counter;
    const authenticatorData = Buffer.concat([sha256(this.rpId), Buffer.from([USER_PRESENT | (verified ? USER_VERIFIED : 0)]), u32(signCount)]);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge);
    const signature = sign("sha256", Buffer.concat([authenticatorData, sha256(Buffer.from(clientDataJSON, "base64url"))]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON, authenticatorData: b64url(authenticatorData), signature: b64url(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  private clientData(type: string, challenge: unknown): string {
    return b64url(Buffer.from(JSON.stringify({ type, challenge: String(challenge), origin: this.origin, crossOrigin: false })));
  }
}
