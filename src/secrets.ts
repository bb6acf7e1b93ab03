import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError, type Config } from "./config";
import type { Logger } from "./logger";
import { HOW_TO_MAKE_A_TOKEN } from "./token-strength";
import { parseKey } from "./services/crypto/key-ring";
import { purposeKeys, type OwnKeys, type PurposeKeys } from "./services/crypto/purpose-keys";
import { ReceiptSigner } from "./services/crypto/receipt-signer";
import { TicketSigner } from "./services/crypto/ticket-signer";
import { generateKeyPairSync } from "node:crypto";
import webPush from "web-push";
import type { VapidKeys } from "./services/kernel/deps";

export interface Secrets {
  adminToken: string;
  /** Card encryption, code hashing, card fingerprints, webhook secrets at rest: one key ring each. */
  keys: PurposeKeys;
  tickets: TicketSigner;
  receipts: ReceiptSigner;
  /** Web Push's VAPID key pair (base64url) and subject; null: push is off (production without keys). */
  vapid: VapidKeys | null;
}

export type { VapidKeys };

/**
 * ADMIN_TOKEN, CARD_KEY and TICKET_SIGNING_KEY from the environment, or, in development,
 * from files in DATA_DIR that are generated on first start. The code-hash, fingerprint
 * and webhook-secret keys are optional everywhere: unset, each derives from CARD_KEY
 * (purpose-keys.ts), so nothing else is generated.
 */
export function resolveSecrets(config: Config, logger: Logger, announce = printOnce): Secrets {
  if (config.production) requireProductionSecrets(config);

  let adminToken = config.adminToken;
  if (!adminToken) {
    const file = join(config.dataDir, "admin-token");
    const created = ensureFile(file, () => randomBytes(32).toString("base64url"));
    adminToken = readFileSync(file, "utf8").trim();
    if (created) announce(`ADMIN_TOKEN was not set; generated one into ${file}:\n  ${adminToken}\n`);
    else logger.info({ file }, "ADMIN_TOKEN not set; using the generated one in DATA_DIR");
  }

  let cardKey: Buffer;
  if (config.cardKey) {
    cardKey = parseKey(config.cardKey);
  } else {
    const file = join(config.dataDir, "card-key");
    ensureFile(file, () => randomBytes(32).toString("hex"));
    try {
      cardKey = parseKey(readFileSync(file, "utf8"));
    } catch (error) {
      throw new ConfigError(`${file}: ${(error as Error).message}`);
    }
    logger.warn({ file }, "CARD_KEY not set; using a development key kept in DATA_DIR. Set CARD_KEY in production.");
  }
  const own = (current: string | undefined, previous: string[]): OwnKeys => ({
    current: current ? parseKey(current) : undefined,
    previous: previous.map(parseKey),
  });
  const keys = purposeKeys({
    card: { current: cardKey, previous: config.cardKeysPrevious.map(parseKey) },
    codeHash: own(config.codeHashKey, config.codeHashKeysPrevious),
    cardFingerprint: own(config.cardFingerprintKey, config.cardFingerprintKeysPrevious),
    webhookSecret: own(config.webhookSecretKey, config.webhookSecretKeysPrevious),
    customerNumber: config.customerNumberKey ? parseKey(config.customerNumberKey) : undefined,
  });
  if (config.production && !config.customerNumberKey) {
    logger.warn("CUSTOMER_NUMBER_KEY not set: customer numbers are derived from CARD_KEY and change when it is rotated (docs/customer-number.md)");
  }
  return { adminToken, keys, tickets: ticketSigner(config, logger), receipts: receiptSigner(config, logger), vapid: vapidKeys(config, logger) };
}

/**
 * A production server generates no secret: it refuses to start, naming every one that is
 * missing. A generated card key beside the data would protect nothing, and every instance
 * must sign tickets with the same key. The admin token is refused too, not generated into
 * DATA_DIR: an operator of a payment service keeps its secrets in a secret store and runs
 * several instances, each of which would make a different token of its own; a token that
 * exists only on one server's disk is one nobody rotates or audits, and printing it would
 * put it in whatever collects the process's output.
 * CODE_HASH_KEY, CARD_FINGERPRINT_KEY and WEBHOOK_SECRET_KEY are not required: unset,
 * each is derived from CARD_KEY with HKDF, as secret as CARD_KEY and unrelated to it for
 * any other use, so safety does not depend on them; setting them only lets each purpose
 * be rotated without touching CARD_KEY.
 */
function requireProductionSecrets(config: Config): void {
  const missing = [
    !config.adminToken && `ADMIN_TOKEN is required when NODE_ENV=production (the back office's bearer token); ${HOW_TO_MAKE_A_TOKEN}`,
    !config.cardKey && "CARD_KEY is required when NODE_ENV=production (32 bytes, hex or base64)",
    !config.ticketSigningKey && "TICKET_SIGNING_KEY is required when NODE_ENV=production (an Ed25519 private key, PKCS#8 PEM)",
    !config.receiptSigningKey && "RECEIPT_SIGNING_KEY is required when NODE_ENV=production (an Ed25519 private key, PKCS#8 PEM, apart from TICKET_SIGNING_KEY)",
  ].filter((line): line is string => Boolean(line));
  if (missing.length > 0) throw new ConfigError(missing.join("\n"));
}

function ticketSigner(config: Config, logger: Logger): TicketSigner {
  const previous = config.ticketSigningKeysPrevious.map(pemFrom);
  if (config.ticketSigningKey) return new TicketSigner(pemFrom(config.ticketSigningKey), previous);
  const file = join(config.dataDir, "ticket-signing-key.pem");
  ensureFile(file, () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim(),
  );
  logger.warn({ file }, "TICKET_SIGNING_KEY not set; using a development key kept in DATA_DIR. Set it in production.");
  return new TicketSigner(readFileSync(file, "utf8"), previous);
}

function receiptSigner(config: Config, logger: Logger): ReceiptSigner {
  if (config.receiptSigningKey) return new ReceiptSigner(pemFrom(config.receiptSigningKey));
  const file = join(config.dataDir, "receipt-signing-key.pem");
  ensureFile(file, () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim());
  logger.warn({ file }, "RECEIPT_SIGNING_KEY not set; using a development key kept in DATA_DIR. Set it in production.");
  return new ReceiptSigner(readFileSync(file, "utf8"));
}

/**
 * The VAPID key pair: from the environment, else (development) from DATA_DIR, generated
 * there on first start. Production without keys runs with push off: every instance must
 * sign with the same pair, since browsers subscribe to one public key.
 */
function vapidKeys(config: Config, logger: Logger): VapidKeys | null {
  const { publicKey, privateKey, subject } = config.vapid;
  if (publicKey && privateKey) return { publicKey, privateKey, subject };
  if (config.production) {
    logger.warn("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY not set: Web Push is off (docs/push.md)");
    return null;
  }
  const file = join(config.dataDir, "vapid-keys.json");
  ensureFile(file, () => JSON.stringify(webPush.generateVAPIDKeys()));
  const kept = JSON.parse(readFileSync(file, "utf8")) as { publicKey: string; privateKey: string };
  logger.warn({ file }, "VAPID keys not set; using development keys kept in DATA_DIR. Set them in production.");
  return { publicKey: kept.publicKey, privateKey: kept.privateKey, subject };
}

/** A PEM given as is, or base64-encoded (easier in an environment variable). */
function pemFrom(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith("-----BEGIN") ? trimmed : Buffer.from(trimmed, "base64").toString("utf8");
}

function ensureFile(file: string, make: () => string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, make() + "\n", { mode: 0o600, flag: "wx" });
  return true;
}

// In development, the generated admin token goes to the terminal once, never into the
// JSON log; production never generates one (requireProductionSecrets).
function printOnce(text: string): void {
  process.stderr.write(text);
}
