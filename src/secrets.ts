import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError, type Config } from "./config";
import type { Logger } from "./logger";
import { CardCipher, parseCardKey } from "./services/crypto/card-cipher";
import { TicketSigner } from "./services/crypto/ticket-signer";
import { generateKeyPairSync } from "node:crypto";

export interface Secrets {
  adminToken: string;
  cipher: CardCipher;
  tickets: TicketSigner;
}

/**
 * ADMIN_TOKEN, CARD_KEY and TICKET_SIGNING_KEY from the environment, or, where allowed,
 * from files in DATA_DIR that are generated on first start. A production server without
 * CARD_KEY or TICKET_SIGNING_KEY refuses to start: a generated key beside the data would
 * protect nothing, and every instance must sign tickets with the same key.
 */
export function resolveSecrets(config: Config, logger: Logger, announce = printOnce): Secrets {
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
    cardKey = parseCardKey(config.cardKey);
  } else if (config.production) {
    throw new ConfigError("CARD_KEY is required when NODE_ENV=production (32 bytes, hex or base64)");
  } else {
    const file = join(config.dataDir, "card-key");
    ensureFile(file, () => randomBytes(32).toString("hex"));
    cardKey = parseCardKey(readFileSync(file, "utf8"));
    logger.warn({ file }, "CARD_KEY not set; using a development key kept in DATA_DIR. Set CARD_KEY in production.");
  }
  const previous = config.cardKeysPrevious.map(parseCardKey);
  return { adminToken, cipher: new CardCipher(cardKey, previous), tickets: ticketSigner(config, logger) };
}

function ticketSigner(config: Config, logger: Logger): TicketSigner {
  const previous = config.ticketSigningKeysPrevious.map(pemFrom);
  if (config.ticketSigningKey) return new TicketSigner(pemFrom(config.ticketSigningKey), previous);
  if (config.production) {
    throw new ConfigError("TICKET_SIGNING_KEY is required when NODE_ENV=production (an Ed25519 private key, PKCS#8 PEM)");
  }
  const file = join(config.dataDir, "ticket-signing-key.pem");
  ensureFile(file, () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim(),
  );
  logger.warn({ file }, "TICKET_SIGNING_KEY not set; using a development key kept in DATA_DIR. Set it in production.");
  return new TicketSigner(readFileSync(file, "utf8"), previous);
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

// The generated admin token goes to the terminal once, never into the JSON log.
function printOnce(text: string): void {
  process.stderr.write(text);
}
