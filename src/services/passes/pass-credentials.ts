import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createPrivateKey, generateKeyPairSync, randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import { devPassCertificates } from "./dev-certificates";

/** What signs Apple passes: the pass type certificate and key, and Apple's WWDR intermediate. */
export interface ApplePassCredentials {
  wwdr: string;
  certificate: string;
  key: string;
  keyPassphrase?: string;
}

/** A Google service account's address and key (the JSON key file's client_email and private_key). */
export interface GoogleServiceAccount {
  email: string;
  privateKey: string;
}

export interface PassCredentials {
  /** Null when Apple passes are off (production without the certificates). */
  apple: ApplePassCredentials | null;
  /** Null when Google Wallet is off (production without an issuer and a service account). */
  google: (GoogleServiceAccount & { issuerId: string }) | null;
}

/**
 * The certificates and keys of the configuration (PEM text, or the path of a file that
 * holds it). Outside production, what is not configured is generated once into DATA_DIR
 * (wallet-dev/), so development signs passes and links with stand-ins that no real
 * Wallet trusts; production generates nothing and leaves that Wallet off.
 */
export function passCredentials(config: Config, logger: Logger): PassCredentials {
  const { apple, google } = config.wallet;
  let appleCredentials: ApplePassCredentials | null = null;
  if (apple.certificate && apple.key && apple.wwdr) {
    appleCredentials = { wwdr: pem(apple.wwdr), certificate: pem(apple.certificate), key: pem(apple.key), keyPassphrase: apple.keyPassphrase };
  } else if (!config.production) {
    appleCredentials = devFiles(config.dataDir, "apple", () => {
      const made = devPassCertificates(apple.passTypeId, apple.teamId);
      return { wwdr: made.wwdr, certificate: made.certificate, key: made.key };
    });
    logger.warn("APPLE_PASS_CERT, APPLE_PASS_KEY or APPLE_WWDR_CERT not set: Apple passes are signed with generated development certificates (docs/passes.md)");
  } else {
    logger.warn("Apple Wallet passes are off: APPLE_PASS_CERT, APPLE_PASS_KEY and APPLE_WWDR_CERT are not all set (docs/passes.md)");
  }

  let googleAccount: PassCredentials["google"] = null;
  if (google.issuerId && google.serviceAccount) {
    const json = JSON.parse(pem(google.serviceAccount)) as { client_email?: string; private_key?: string };
    if (!json.client_email || !json.private_key) throw new Error("GOOGLE_WALLET_SERVICE_ACCOUNT must be a service account key (JSON with client_email and private_key)");
    googleAccount = { issuerId: google.issuerId, email: json.client_email, privateKey: json.private_key };
  } else if (!config.production) {
    const dev = devFiles(config.dataDir, "google", () => ({
      key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    }));
    googleAccount = { issuerId: google.issuerId ?? "3388000000000000000", email: "wallet-center-dev@localhost", privateKey: dev.key };
  } else {
    logger.warn("Google Wallet is off: GOOGLE_WALLET_ISSUER_ID and GOOGLE_WALLET_SERVICE_ACCOUNT are not both set (docs/passes.md)");
  }
  if (appleCredentials) createPrivateKey({ key: appleCredentials.key, passphrase: appleCredentials.keyPassphrase });
  return { apple: appleCredentials, google: googleAccount };
}

/** PEM (or JSON) text as given, or the contents of the file it names. */
function pem(value: string): string {
  const text = value.trim();
  return text.startsWith("-----BEGIN") || text.startsWith("{") ? text : readFileSync(text, "utf8");
}

/** Generated development files, made on the first start and read after that. */
function devFiles<T extends Record<string, string>>(dataDir: string, name: string, make: () => T): T {
  const dir = join(dataDir, "wallet-dev");
  const file = join(dir, `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as T;
  const made = make();
  mkdirSync(dir, { recursive: true });
  // Written whole then renamed, so a second process starting at once reads all of it or none.
  const part = `${file}.${randomUUID()}`;
  writeFileSync(part, JSON.stringify(made), { mode: 0o600 });
  renameSync(part, file);
  return made;
}
