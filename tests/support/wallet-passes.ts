import { X509Certificate, createHash, verify } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { constants, createSecureServer, type IncomingHttpHeaders, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import AdmZip from "adm-zip";
import forge from "node-forge";
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { devPassCertificates, devServerCertificate, type DevPassCertificates } from "../../src/services/passes/dev-certificates";

export const PASS_TYPE_ID = "pass.test.wallet-center";
export const TEAM_ID = "TESTTEAM01";
export const GOOGLE_ISSUER_ID = "3388000000099999";

/** Generated certificates for a test's pass type, and a Google service account, with the environment that configures them. */
export function walletCredentials() {
  const apple = devPassCertificates(PASS_TYPE_ID, TEAM_ID);
  const google = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const googleKey = google.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const googlePublicKey = google.publicKey.export({ type: "spki", format: "pem" }).toString();
  const serviceAccount = { type: "service_account", client_email: "passes@wallet-center-test.iam.gserviceaccount.com", private_key: googleKey };
  return {
    apple,
    googlePublicKey,
    serviceAccount,
    env: {
      APPLE_PASS_TYPE_ID: PASS_TYPE_ID,
      APPLE_TEAM_ID: TEAM_ID,
      APPLE_PASS_CERT: apple.certificate,
      APPLE_PASS_KEY: apple.key,
      APPLE_WWDR_CERT: apple.wwdr,
      GOOGLE_WALLET_ISSUER_ID: GOOGLE_ISSUER_ID,
      GOOGLE_WALLET_SERVICE_ACCOUNT: JSON.stringify(serviceAccount),
    } as Record<string, string>,
  };
}

export interface OpenedPass {
  pass: Record<string, any>;
  files: string[];
}

/**
 * Opens a .pkpass as Wallet would and checks it, throwing on the first fault: every file
 * but the manifest and the signature is in manifest.json with its SHA-1, and nothing
 * else is; the signature is a PKCS#7 detached signature whose signed attributes carry the
 * manifest's digest, signed by the pass type certificate it holds, which `wwdr` issued,
 * for this pass type.
 */
export function openPass(pkpass: Buffer, wwdr: string): OpenedPass {
  const zip = new AdmZip(pkpass);
  const files = zip.getEntries().map((entry) => entry.entryName).sort();
  const manifestBytes = zip.readFile("manifest.json");
  const signature = zip.readFile("signature");
  if (!manifestBytes || !signature) throw new Error("no manifest or no signature");
  const manifest = JSON.parse(manifestBytes.toString("utf8")) as Record<string, string>;
  const contents = files.filter((name) => name !== "manifest.json" && name !== "signature");
  if (Object.keys(manifest).sort().join() !== contents.join()) throw new Error(`manifest lists ${Object.keys(manifest).sort().join()}, the pass holds ${contents.join()}`);
  for (const name of contents) {
    if (createHash("sha1").update(zip.readFile(name)!).digest("hex") !== manifest[name]) throw new Error(`${name}: SHA-1 differs from the manifest`);
  }
  verifyDetachedSignature(signature, manifestBytes, wwdr);
  return { pass: JSON.parse(zip.readFile("pass.json")!.toString("utf8")), files };
}

const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const DIGESTS: Record<string, string> = { "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256" };

function verifyDetachedSignature(signature: Buffer, content: Buffer, wwdrPem: string): void {
  const message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(signature.toString("binary")))) as forge.pkcs7.PkcsSignedData & {
    rawCapture: { authenticatedAttributes: forge.asn1.Asn1[]; signature: string; digestAlgorithm: string };
  };
  const certificates = message.certificates.map((cert) => new X509Certificate(forge.pki.certificateToPem(cert)));
  const wwdr = new X509Certificate(wwdrPem);
  const signer = certificates.find((cert) => !cert.ca);
  if (!signer) throw new Error("no signer certificate in the signature");
  if (!certificates.some((cert) => cert.fingerprint256 === wwdr.fingerprint256)) throw new Error("the signature does not carry the WWDR certificate");
  if (!signer.verify(wwdr.publicKey)) throw new Error("the signer certificate was not issued by the WWDR certificate");
  const attributes = message.rawCapture.authenticatedAttributes;
  const digestAttribute = attributes.find((attribute) => forge.asn1.derToOid((attribute.value as forge.asn1.Asn1[])[0].value as string) === MESSAGE_DIGEST);
  if (!digestAttribute) throw new Error("no messageDigest among the signed attributes");
  const digest = Buffer.from((((digestAttribute.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0].value as string), "binary");
  // The digest algorithm the signature names (passkit-generator uses SHA-1, as Apple's own signpass does).
  const algorithm = DIGESTS[forge.asn1.derToOid(message.rawCapture.digestAlgorithm)];
  if (!algorithm) throw new Error("the signature names an unknown digest algorithm");
  if (!digest.equals(createHash(algorithm).update(content).digest())) throw new Error("the signed digest is not the manifest's");
  const signedAttributes = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes)).getBytes();
  if (!verify(algorithm, Buffer.from(signedAttributes, "binary"), signer.publicKey, Buffer.from(message.rawCapture.signature, "binary"))) {
    throw new Error("the signature does not verify with the signer certificate");
  }
}

/** What the APNs stand-in received in one request. */
export interface ApnsRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client certificate's subject (the pass type certificate's). */
  clientSubject: string;
}

/**
 * A local APNs: HTTP/2 over TLS with a certificate issued by the test's WWDR stand-in,
 * asking for a client certificate from the same authority (as APNs wants the pass type
 * certificate). `answer` decides each push's status and delay (200 at once by default).
 */
export async function apnsStandIn(certificates: DevPassCertificates) {
  const { certificate, key } = devServerCertificate(certificates, ["localhost", "127.0.0.1"]);
  const received: ApnsRequest[] = [];
  let answer: (pushToken: string) => { status: number; reason?: string; delayMs?: number } = () => ({ status: 200 });
  const server = createSecureServer({ cert: certificate, key, ca: certificates.wwdr, requestCert: true, rejectUnauthorized: true });
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    let body = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => {
      const path = String(headers[constants.HTTP2_HEADER_PATH]);
      const peer = (stream.session?.socket as unknown as { getPeerCertificate(): { subject?: Record<string, string> } }).getPeerCertificate();
      received.push({ path, headers, body, clientSubject: peer.subject?.UID ?? peer.subject?.CN ?? "" });
      const decided = answer(path.replace("/3/device/", ""));
      const respond = () => {
        if (stream.closed) return;
        stream.respond({ [constants.HTTP2_HEADER_STATUS]: decided.status, "apns-id": "00000000-0000-0000-0000-000000000001" });
        stream.end(decided.reason ? JSON.stringify({ reason: decided.reason }) : "");
      };
      if (decided.delayMs) setTimeout(respond, decided.delayMs).unref();
      else respond();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    received,
    answerWith(next: typeof answer) {
      answer = next;
    },
    /** Stops listening and drops every open session: APNs gone. */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      await closed;
    },
  };
}

/**
 * A local Google: the OAuth token endpoint (checks the service account's RS256 assertion)
 * and the Wallet REST API's PATCH of objects (checks the bearer it gave out). `patchStatus`
 * decides each PATCH's answer.
 */
export async function googleStandIn(publicKeyPem: string, email: string) {
  const patches: Array<{ path: string; body: Record<string, any> }> = [];
  const tokens = new Set<string>();
  let tokenRequests = 0;
  let patchStatus: (path: string) => number = () => 200;
  const server = createHttpServer((req, res) => {
    void readBody(req).then(async (body) => {
      if (req.method === "POST" && req.url === "/token") {
        tokenRequests++;
        const assertion = new URLSearchParams(body).get("assertion") ?? "";
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        try {
          await jwtVerify(assertion, await importSPKI(publicKeyPem, "RS256"), { issuer: email, audience: `${origin}/token` });
        } catch {
          res.writeHead(400).end(JSON.stringify({ error: "invalid_grant" }));
          return;
        }
        const token = `ya29.test-${tokens.size}`;
        tokens.add(token);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token, expires_in: 3600, token_type: "Bearer" }));
        return;
      }
      if (req.method === "PATCH" && req.url?.startsWith("/walletobjects/v1/")) {
        if (!tokens.has((req.headers.authorization ?? "").replace(/^Bearer /, ""))) {
          res.writeHead(401).end();
          return;
        }
        patches.push({ path: req.url, body: JSON.parse(body) });
        res.writeHead(patchStatus(req.url), { "content-type": "application/json" }).end(body);
        return;
      }
      res.writeHead(404).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    env: { GOOGLE_WALLET_API_ORIGIN: origin, GOOGLE_OAUTH_TOKEN_URL: `${origin}/token` },
    patches,
    tokenRequests: () => tokenRequests,
    answerPatchesWith(next: typeof patchStatus) {
      patchStatus = next;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A "Save to Google Wallet" link's JWT, checked with the service account's public key. */
export async function saveLinkClaims(url: string, publicKeyPem: string): Promise<Record<string, any>> {
  const jwt = url.replace("https://pay.google.com/gp/v/save/", "");
  if (decodeProtectedHeader(jwt).alg !== "RS256") throw new Error("not RS256");
  const { payload } = await jwtVerify(jwt, createPublicKey(publicKeyPem), { audience: "google" });
  return { ...payload, unverified: decodeJwt(jwt) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
  });
}
