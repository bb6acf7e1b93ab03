import { createHash } from "node:crypto";
import bytes from "bytes";
import { IANAZone } from "luxon";
import { z } from "zod";
import { DEFAULT_POOL_SIZE } from "./database/pool-size";
import { parseTrustProxy, type TrustProxy } from "./trust-proxy";
import { keyIdOf, parseKey } from "./services/crypto/key-ring";
import { HOW_TO_MAKE_A_TOKEN, MIN_TOKEN_BITS, estimatedBits } from "./token-strength";

/**
 * Everything the server reads from the environment, validated once at start.
 * Secrets that may be generated in development (ADMIN_TOKEN, CARD_KEY) are resolved
 * later by `resolveSecrets`, because doing so touches DATA_DIR.
 */
const intFrom = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * A size such as "100kb", "1.5mb" or "4096" (bytes), in bytes. `bytes.parse` alone reads
 * "1kb junk" as 1 byte, so the whole text must be a number with an optional unit.
 */
const size = (fallback: string, min: number) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const value = /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i.test(text) ? bytes.parse(text) : null;
      if (value === null || value < min) {
        ctx.addIssue({ code: "custom", message: `must be a size such as 100kb or 1mb, at least ${bytes.format(min)}` });
        return z.NEVER;
      }
      return Math.floor(value);
    });

/**
 * A 32-byte key (hex or base64), or a comma-separated list of them. Kept as text here
 * (resolveSecrets parses it); a bad one is refused at start, and the message never
 * repeats the value.
 */
const keyIssue = (text: string, ctx: z.RefinementCtx, which = ""): void => {
  try {
    parseKey(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `${which}${(error as Error).message}` });
  }
};
// An empty variable counts as unset, as it always has for CARD_KEY.
const key = () =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().superRefine((text, ctx) => keyIssue(text, ctx)).optional());
const keyList = () =>
  z
    .string()
    .transform((text, ctx) => {
      const keys = text.split(",").map((s) => s.trim()).filter(Boolean);
      keys.forEach((one, i) => keyIssue(one, ctx, `entry ${i + 1} `));
      return keys;
    })
    .optional()
    .transform((keys) => keys ?? []);

/** A bearer token that must look random; the message never repeats it, only how weak it looks. */
const strongToken = () =>
  z
    .string()
    .superRefine((token, ctx) => {
      const bits = Math.floor(estimatedBits(token));
      if (bits < MIN_TOKEN_BITS) {
        // Never the token itself in the message: only how weak it looks.
        ctx.addIssue({
          code: "custom",
          message: `too easy to guess (about ${bits} bits by a conservative estimate, at least ${MIN_TOKEN_BITS} needed); ${HOW_TO_MAKE_A_TOKEN}`,
        });
      }
    })
    .optional();

/** The purpose keys that may be set on their own (see purpose-keys.ts); each must differ from CARD_KEY and the others. */
const OWN_KEYS = ["CARD_KEY", "CODE_HASH_KEY", "CARD_FINGERPRINT_KEY", "WEBHOOK_SECRET_KEY", "CUSTOMER_NUMBER_KEY"] as const;

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: intFrom(4000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\//, "DATABASE_URL must be a mysql://user:pass@host:port/db URL")
    .optional(),
  // Other nodes of DATABASE_URL's Galera cluster, comma-separated, tried in order when the one in use fails.
  DATABASE_REPLICA_URLS: z
    .string()
    .optional()
    .transform((list) => (list ?? "").split(",").map((url) => url.trim()).filter(Boolean))
    .refine((urls) => urls.every((url) => /^mysql:\/\//.test(url)), "DATABASE_REPLICA_URLS must be mysql:// URLs, comma-separated"),
  DATABASE_POOL_SIZE: intFrom(DEFAULT_POOL_SIZE, 1, 1000),
  DATA_DIR: z.string().min(1).default("./data"),
  ADMIN_TOKEN: strongToken(),
  // Whoever presents it reads /metrics; like ADMIN_TOKEN it must look random (see docs/operations.md).
  METRICS_TOKEN: strongToken(),
  SHUTDOWN_DRAIN_MS: intFrom(0, 0, 120_000),
  CARD_KEY: key(),
  CARD_KEYS_PREVIOUS: keyList(),
  CODE_HASH_KEY: key(),
  CODE_HASH_KEYS_PREVIOUS: keyList(),
  CARD_FINGERPRINT_KEY: key(),
  CARD_FINGERPRINT_KEYS_PREVIOUS: keyList(),
  WEBHOOK_SECRET_KEY: key(),
  WEBHOOK_SECRET_KEYS_PREVIOUS: keyList(),
  // No previous keys: a customer number is shown, never looked up (docs/customer-number.md).
  CUSTOMER_NUMBER_KEY: key(),
  TICKET_SIGNING_KEY: z.string().optional(),
  TICKET_SIGNING_KEYS_PREVIOUS: z.string().optional(),
  RECEIPT_SIGNING_KEY: z.string().optional(),
  RECEIPT_SIGNING_KEYS_RETIRED: z.string().optional(),
  // Web Push (docs/push.md): the VAPID key pair (RFC 8292) as web-push's generateVAPIDKeys
  // makes it, base64url; unset, development generates one into DATA_DIR and production
  // has push off. The subject tells push services whom to contact: mailto: or https:.
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, "must be a P-256 public key, uncompressed, base64url (87 characters)").optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be a P-256 private key, base64url (43 characters)").optional(),
  PUSH_REMINDER_SWEEP_MS: intFrom(60_000, 100),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)\S+$/, "must be a mailto: or https: URL").default("mailto:push@localhost"),
  BOOKS_SEAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  BOOKS_HEAD_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  // At most one books.sealed webhook per receiver this often (views/books-copies.service.ts).
  BOOKS_COPY_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  // Receipt bodies older than this are dropped; their leaves stay in the books (docs/books.md, Retention).
  RECEIPT_RETENTION_DAYS: intFrom(3650, 1),
  // The bench's comparison only: decisions sign and store no receipt and the sealer does not run (refused in production unless BENCH=1).
  RECEIPTS: z.enum(["on", "off"]).default("on"),
  BENCH: z.enum(["1"]).optional(),
  TICKET_CODE_TTL_SECONDS: intFrom(86_400, 10),
  // Wallet passes (docs/passes.md). Certificates and keys: PEM text, or the path of a PEM file.
  APPLE_PASS_TYPE_ID: z.string().regex(/^pass\.[\w.-]+$/, "must be a pass type identifier such as pass.com.example.tickets").default("pass.dev.wallet-center"),
  APPLE_TEAM_ID: z.string().regex(/^[A-Z0-9]{10}$/, "must be the 10-character Apple team id").default("DEVTEAM000"),
  APPLE_PASS_ORGANIZATION: z.string().min(1).max(64).default("Wallet Center"),
  APPLE_PASS_CERT: z.string().min(1).optional(),
  APPLE_PASS_KEY: z.string().min(1).optional(),
  APPLE_PASS_KEY_PASSPHRASE: z.string().optional(),
  APPLE_WWDR_CERT: z.string().min(1).optional(),
  // Where Wallet reaches this server's pass web service (Apple appends /v1/...); unset: http://localhost:PORT.
  WALLET_WEB_SERVICE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  APNS_ORIGIN: z.url({ protocol: /^https$/, error: "must be an https URL" }).default("https://api.push.apple.com"),
  // An extra certificate authority to trust for APNS_ORIGIN (a local APNs stand-in): development and tests.
  APNS_CA: z.string().min(1).optional(),
  GOOGLE_WALLET_ISSUER_ID: z.string().regex(/^\d{1,30}$/, "must be the numeric issuer id").optional(),
  GOOGLE_WALLET_SERVICE_ACCOUNT: z.string().min(1).optional(),
  GOOGLE_WALLET_API_ORIGIN: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://walletobjects.googleapis.com"),
  GOOGLE_OAUTH_TOKEN_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://oauth2.googleapis.com/token"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// URL").optional(),
  // Whose keys and channels these are on a Redis several deployments share (redis.ts); default: the database's name.
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "REDIS_NAMESPACE must be 1 to 64 letters, digits, '_', '.' or '-'")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Compiled here, once: every request's address goes through it.
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((value, ctx): TrustProxy => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  BODY_LIMIT: size("100kb", 1024),
  // Password hashing: scrypt cost as log2(N); 15 means 32 MiB of memory per hash.
  PASSWORD_HASH_COST: intFrom(15, 10),
  SESSION_TTL_HOURS: intFrom(720, 1),
  PAYMENT_CODE_TTL_SECONDS: intFrom(300, 10),
  INSTITUTION_LATENCY_MS: intFrom(20),
  INSTITUTION_TIMEOUT_MS: intFrom(3000, 50),
  OUTBOX_POLL_MS: intFrom(1000, 10),
  OUTBOX_DELIVERY_TIMEOUT_MS: intFrom(10_000, 100, 300_000),
  OUTBOX_INSTITUTION_IN_FLIGHT: intFrom(512, 1, 4096),
  OUTBOX_DESTINATION_MAX_IN_FLIGHT: intFrom(64, 4, 1024),
  OUTBOX_GIVE_UP_AFTER_DAYS: intFrom(3, 1, 365),
  RECOVERY_AFTER_MS: intFrom(2000, 100),
  AUTHORIZATION_DAYS: intFrom(7, 1, 365),
  RATE_LOGIN_PER_PHONE_PER_MIN: intFrom(10, 1),
  RATE_LOGIN_PER_ADDRESS_PER_MIN: intFrom(60, 1),
  RATE_CODE_ISSUE_PER_PHONE_PER_MIN: intFrom(30, 1),
  RATE_WRONG_CODES_PER_TERMINAL_PER_MIN: intFrom(60, 1),
  RATE_PAYMENT_REQUESTS_PER_REGISTER_PER_MIN: intFrom(600, 1),
  RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN: intFrom(10, 1),
  RATE_MEMBER_LOOKUPS_PER_REGISTER_PER_MIN: intFrom(30, 1),
  RATE_ANONYMOUS_SOCKETS_PER_ADDRESS_PER_MIN: intFrom(30, 1),
  MESSAGES_PER_MEMBER_PER_DAY: intFrom(3, 1, 100),
  RATE_SIGN_UP_CODES_PER_PHONE_PER_HOUR: intFrom(3, 1, 100),
  RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR: intFrom(20, 1),
  RATE_GATE_SEARCHES_PER_GATE_PER_MIN: intFrom(20, 1),
  OFFLINE_MAX_AMOUNT: intFrom(10_000, 0),
  OFFLINE_MAX_COUNT: intFrom(5, 0, 1000),
  // The operator's ceiling on what one customer's payment codes pay in a day, and how many; unset: none.
  DAILY_MAX_AMOUNT: z.coerce.number().int().min(0).max(2_000_000_000).optional(),
  DAILY_MAX_COUNT: z.coerce.number().int().min(0).max(100_000).optional(),
  DAILY_LIMIT_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine((zone) => IANAZone.isValidZone(zone), { message: "must be an IANA time zone such as Asia/Tokyo" }),
  // Lets webhooks reach loopback and private addresses: development and tests only (refused in production below).
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((value) => value === "true"),
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  // The old name of a limit that counted every code use (only wrong codes count). Refused
  // rather than ignored, so nobody believes a limit is set that does not exist.
  RATE_CODE_USE_PER_REGISTER_PER_MIN: z
    .undefined({ error: "renamed: RATE_WRONG_CODES_PER_TERMINAL_PER_MIN (wrong codes only) and RATE_PAYMENT_REQUESTS_PER_REGISTER_PER_MIN" })
    .optional(),
  CONFIRMATION_TTL_SECONDS: intFrom(120, 1),
  // WebAuthn: the relying party's id (a domain the phone's page is served from, never an IP) and the page origins assertions may come from.
  WEBAUTHN_RP_ID: z.string().min(1).default("localhost"),
  WEBAUTHN_RP_NAME: z.string().min(1).default("Wallet Center"),
  // Comma-separated; unset: http://localhost:PORT (development).
  WEBAUTHN_ORIGINS: z.string().default(""),
  VERIFICATION_CHALLENGE_TTL_SECONDS: intFrom(120, 10),
  CONFIRMATION_SWEEP_MS: intFrom(1000, 10),
  RETENTION_SWEEP_MS: intFrom(60_000, 10),
  RETENTION_BATCH: intFrom(500, 1).pipe(z.number().max(5000)),
  // Replays must work for at least a day (DESIGN.md, Retention), so less is refused.
  RETENTION_IDEMPOTENCY_HOURS: intFrom(48, 24),
  RETENTION_OUTBOX_HOURS: intFrom(168, 1),
  RETENTION_DEAD_MESSAGES_DAYS: intFrom(30, 1),
  RETENTION_CODES_HOURS: intFrom(168, 1),
  RETENTION_SESSIONS_HOURS: intFrom(168, 1),
  RETENTION_CONFIRMATIONS_HOURS: intFrom(168, 1),
  WS_MAX_SOCKETS_PER_CREDENTIAL: intFrom(5, 1),
  WS_ALLOWED_ORIGINS: z.string().default(""),
  WS_KEEPALIVE_MS: intFrom(30_000, 100),
  // Half a second: an end whose announcement never arrives (Redis down) closes the sockets within a second.
  WS_CREDENTIAL_RECHECK_MS: intFrom(500, 100),
  // A minute: what the half-second look at credentials ended lately cannot see (a row deleted).
  WS_CREDENTIAL_FULL_RECHECK_MS: intFrom(60_000, 100),
  FEED_SETTLE_MS: intFrom(2000),
  MAX_QUERY_DEPTH: intFrom(10, 2),
  MAX_ALIASES: intFrom(15, 1),
  MAX_QUERY_COST: intFrom(5000, 10),
}).superRefine((env, ctx) => {
  // The scraper's token must not open the back office.
  if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN === env.ADMIN_TOKEN) {
    ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "must differ from ADMIN_TOKEN" });
  }
  // A caller-given webhook URL would reach the private network: the database, metadata services, this server.
  if (env.NODE_ENV === "production" && env.WEBHOOK_ALLOW_PRIVATE_TARGETS) {
    ctx.addIssue({ code: "custom", path: ["WEBHOOK_ALLOW_PRIVATE_TARGETS"], message: "must not be true in production: webhooks would reach private addresses" });
  }
  // A pass whose web service is not https is refused by Wallet, and an APNs stand-in must not be trusted in production.
  if (env.NODE_ENV === "production" && env.WALLET_WEB_SERVICE_URL && !env.WALLET_WEB_SERVICE_URL.startsWith("https://")) {
    ctx.addIssue({ code: "custom", path: ["WALLET_WEB_SERVICE_URL"], message: "must be https in production: Wallet refuses a pass web service over plain http" });
  }
  if (env.NODE_ENV === "production" && env.APNS_CA) {
    ctx.addIssue({ code: "custom", path: ["APNS_CA"], message: "must not be set in production: APNs is reached with the system's certificate authorities" });
  }
  // One half of a key pair signs nothing a push service can check.
  if ((env.VAPID_PUBLIC_KEY === undefined) !== (env.VAPID_PRIVATE_KEY === undefined)) {
    ctx.addIssue({ code: "custom", path: [env.VAPID_PUBLIC_KEY === undefined ? "VAPID_PUBLIC_KEY" : "VAPID_PRIVATE_KEY"], message: "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together" });
  }
  // Passkeys made for localhost work on no real phone, and an assertion from a localhost page would be taken.
  if (env.NODE_ENV === "production") {
    for (const issue of webAuthnProductionIssues(env.WEBAUTHN_RP_ID, env.WEBAUTHN_ORIGINS)) ctx.addIssue({ code: "custom", ...issue });
  }
  // Decisions without receipts are not in the books: only the bench's own server may measure that.
  if (env.NODE_ENV === "production" && env.RECEIPTS === "off" && env.BENCH !== "1") {
    ctx.addIssue({ code: "custom", path: ["RECEIPTS"], message: "must not be off in production: decisions would have no receipts (the bench's server alone sets BENCH=1)" });
  }
  // One key serving two purposes would tie them together again: rotating one would rotate both.
  const seen = new Map<string, string>();
  for (const name of OWN_KEYS) {
    const text = env[name];
    if (!text) continue;
    let id: string;
    try {
      id = keyIdOf(parseKey(text));
    } catch {
      continue; // reported by the variable's own check
    }
    const other = seen.get(id);
    if (other) ctx.addIssue({ code: "custom", path: [name], message: `must differ from ${other}: each purpose has its own key` });
    else seen.set(id, name);
  }
});

/** A name of this machine: a relying party or an origin there serves only the developer's own browser. */
const isLoopbackHost = (host: string) => /^(localhost|.*\.localhost|127(\.\d+){3}|\[::1\]|::1)$/i.test(host);

/**
 * What production refuses of the WebAuthn settings: the development defaults (the
 * relying party `localhost`, origins left unset, so http://localhost:PORT), a loopback
 * name in either, and a page origin that is not https (browsers offer WebAuthn to
 * secure pages only, and localhost is the one exception).
 */
function webAuthnProductionIssues(rpId: string, origins: string): Array<{ path: string[]; message: string }> {
  const issues: Array<{ path: string[]; message: string }> = [];
  if (isLoopbackHost(rpId)) {
    issues.push({ path: ["WEBAUTHN_RP_ID"], message: "must be set in production to the domain the phone's page is served from (e.g. wallet.example.com), not localhost" });
  }
  const list = origins.split(",").map((o) => o.trim()).filter(Boolean);
  if (list.length === 0) {
    issues.push({ path: ["WEBAUTHN_ORIGINS"], message: "must be set in production to the phone page's origins (e.g. https://wallet.example.com); unset it means http://localhost:PORT" });
  }
  for (const origin of list) {
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // reported below with the rest
    }
    if (!url || url.protocol !== "https:" || isLoopbackHost(url.hostname)) {
      issues.push({ path: ["WEBAUTHN_ORIGINS"], message: `must list https:// origins of a public name in production, not ${JSON.stringify(origin)}` });
    }
  }
  return issues;
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  production: boolean;
  port: number;
  host: string;
  databaseUrl?: string;
  /** Other nodes of the same Galera cluster (DATABASE_REPLICA_URLS); empty for one server. */
  databaseReplicaUrls: string[];
  /** MySQL connections this instance may hold at once (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  dataDir: string;
  adminToken?: string;
  /**
   * Bearer token that reads /metrics. Unset: /metrics answers only callers on this host
   * (the socket's peer is loopback) outside production, and nobody in production.
   */
  metricsToken?: string;
  /** After SIGTERM, /ready answers 503 this long while requests are still served, then the server closes. */
  shutdownDrainMs: number;
  /** The symmetric keys, as text (validated; parsed by resolveSecrets): see purpose-keys.ts. */
  cardKey?: string;
  cardKeysPrevious: string[];
  codeHashKey?: string;
  codeHashKeysPrevious: string[];
  cardFingerprintKey?: string;
  cardFingerprintKeysPrevious: string[];
  webhookSecretKey?: string;
  webhookSecretKeysPrevious: string[];
  /** The HMAC key of customer numbers (docs/customer-number.md); unset, derived from CARD_KEY. */
  customerNumberKey?: string;
  /** Ed25519 private key, PKCS#8 PEM (or that PEM in base64). */
  ticketSigningKey?: string;
  /** Older public keys (PEM, each base64-encoded, comma-separated) whose codes still verify. */
  ticketSigningKeysPrevious: string[];
  ticketCodeTtlSeconds: number;
  /** Apple and Google Wallet (docs/passes.md); certificates and keys still as given (PEM or a file's path). */
  wallet: WalletConfig;
  /** Ed25519 private key, PKCS#8 PEM (or that PEM in base64): signs receipts and the books' tree heads. */
  receiptSigningKey?: string;
  /** Web Push's VAPID keys, base64url, and the subject push services may contact; keys unset: generated in development, push off in production. */
  vapid: { publicKey?: string; privateKey?: string; subject: string };
  /** How often an instance looks for bills due soon and tickets just released, to push reminders. */
  pushReminderSweepMs: number;
  /** Receipt keys an operator retired, by id, with the moment they stopped signing ("id@ISO,id@ISO"). */
  receiptSigningKeysRetired: Array<{ keyId: string; until: Date }>;
  /** How often the sealer adds new receipts to the books, and at most how long a tree head goes unsigned. */
  booksSealMs: number;
  booksHeadMs: number;
  /** At most one books.sealed webhook per receiver this often. */
  booksCopyMs: number;
  /** Receipt bodies are dropped this long after their decision; their leaves stay. */
  receiptRetentionDays: number;
  /** False only on the bench's comparison server: no receipt is signed or stored, and no sealer runs. */
  receipts: boolean;
  redisUrl?: string;
  /** Prefixes every Redis key and channel of this deployment (redis.ts). */
  redisNamespace: string;
  logLevel: Env["LOG_LEVEL"];
  /** Which hops in front of the server are our proxies (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** Largest HTTP request body and WebSocket message, in bytes. */
  bodyLimitBytes: number;
  passwordHashCost: number;
  sessionTtlHours: number;
  paymentCodeTtlSeconds: number;
  institutionLatencyMs: number;
  institutionTimeoutMs: number;
  outboxPollMs: number;
  /** One delivery attempt (a webhook, an institution report) is abandoned after this. */
  outboxDeliveryTimeoutMs: number;
  /** Reports and reversals under way to the institution at once, on each instance. */
  outboxInstitutionInFlight: number;
  /** Attempts under way at once to any other destination (a partner's endpoint), on each instance, at most; learned below that (adaptive-limit.ts). */
  outboxDestinationMaxInFlight: number;
  /** A message still failing this long after it was created (or retried by an admin) is dead. */
  outboxGiveUpAfterDays: number;
  /** A payment PROCESSING this long past its processing deadline was left by a crash. */
  recoveryAfterMs: number;
  /** An authorization (capture later) not captured this many days after it was made is released. */
  authorizationDays: number;
  confirmationTtlSeconds: number;
  /** Change feeds serve only rows older than this, so a cursor never skips a late commit. */
  feedSettleMs: number;
  confirmationSweepMs: number;
  /** What the retention sweep deletes, and when (retention.service.ts). */
  retention: {
    sweepMs: number;
    /** Rows per DELETE. */
    batch: number;
    /** Idempotency records, after they were made (a payment still being decided keeps its record). */
    idempotencyHours: number;
    /** Delivered outbox messages, after delivery. */
    outboxHours: number;
    /** Dead outbox messages, after they died; never the card network's (institution.*). */
    deadMessagesDays: number;
    /** Wallet codes, after they expire (used or not). */
    codesHours: number;
    /** Sessions, after they were ended or expired. */
    sessionsHours: number;
    /** Confirmation requests, after they were answered or expired. */
    confirmationsHours: number;
  };
  websocket: {
    maxSocketsPerCredential: number;
    /** Browser origins allowed to open a socket; clients that send no Origin are not browsers. */
    allowedOrigins: string[];
    keepAliveMs: number;
    /** Credentials ended lately (revoked, expired) are looked for this often: what no announcement named (expiry, a lost event). */
    credentialRecheckMs: number;
    /** Every open socket's credential is re-checked this often: what the look at recent ends cannot see. */
    credentialFullRecheckMs: number;
  };
  rateLimits: {
    loginPerPhonePerMin: number;
    loginPerAddressPerMin: number;
    codeIssuePerPhonePerMin: number;
    wrongCodesPerTerminalPerMin: number;
    paymentRequestsPerRegisterPerMin: number;
    /** requestPayment pushes to one phone number from one register key. */
    paymentRequestsPerPhonePerRegisterPerMin: number;
    /** lookupMember and earnPoints by one register key (found or not). */
    memberLookupsPerRegisterPerMin: number;
    anonymousSocketsPerAddressPerMin: number;
    /** Messages one program may put in one member's inbox in any 24 hours. */
    messagesPerMemberPerDay: number;
    signUpCodesPerPhonePerHour: number;
    signUpsPerAddressPerHour: number;
    /** A gate's searches of its event's tickets by name or number (names are personal data). */
    gateSearchesPerGatePerMin: number;
  };
  /** The most a device's offline tokens may pay in any 24 hours, and how many: a customer may set less. */
  offlineMax: { amount: number; count: number };
  /** The operator's ceiling on a customer's payment codes a day (null: none), and the zone whose calendar day counts. */
  dailyMax: { amount: number | null; count: number | null; timeZone: string };
  /** Webhooks may reach loopback and private addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS): development and tests only. */
  webhookAllowPrivateTargets: boolean;
  /** The WebAuthn relying party (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS) and how long a challenge lives. */
  webAuthn: { rpId: string; rpName: string; origins: string[]; challengeTtlSeconds: number };
  /** Where sign-up codes are sent; unset: the simulator, in development and tests only. */
  smsGateway: { url: string; token: string | null } | null;
  limits: { maxDepth: number; maxAliases: number; maxCost: number };
}

/** Wallet passes: Apple's pass type and its certificates, APNs, Google Wallet's issuer and service account. */
export interface WalletConfig {
  apple: {
    passTypeId: string;
    teamId: string;
    organization: string;
    certificate?: string;
    key?: string;
    keyPassphrase?: string;
    wwdr?: string;
    webServiceUrl: string;
    apnsOrigin: string;
    apnsCa?: string;
  };
  google: { issuerId?: string; serviceAccount?: string; apiOrigin: string; tokenUrl: string };
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    production: e.NODE_ENV === "production",
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrls: e.DATABASE_URL ? e.DATABASE_REPLICA_URLS : [],
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    cardKey: e.CARD_KEY,
    cardKeysPrevious: e.CARD_KEYS_PREVIOUS,
    codeHashKey: e.CODE_HASH_KEY,
    codeHashKeysPrevious: e.CODE_HASH_KEYS_PREVIOUS,
    cardFingerprintKey: e.CARD_FINGERPRINT_KEY,
    cardFingerprintKeysPrevious: e.CARD_FINGERPRINT_KEYS_PREVIOUS,
    webhookSecretKey: e.WEBHOOK_SECRET_KEY,
    webhookSecretKeysPrevious: e.WEBHOOK_SECRET_KEYS_PREVIOUS,
    customerNumberKey: e.CUSTOMER_NUMBER_KEY,
    ticketSigningKey: e.TICKET_SIGNING_KEY,
    ticketSigningKeysPrevious: (e.TICKET_SIGNING_KEYS_PREVIOUS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    ticketCodeTtlSeconds: e.TICKET_CODE_TTL_SECONDS,
    wallet: {
      apple: {
        passTypeId: e.APPLE_PASS_TYPE_ID,
        teamId: e.APPLE_TEAM_ID,
        organization: e.APPLE_PASS_ORGANIZATION,
        certificate: e.APPLE_PASS_CERT,
        key: e.APPLE_PASS_KEY,
        keyPassphrase: e.APPLE_PASS_KEY_PASSPHRASE,
        wwdr: e.APPLE_WWDR_CERT,
        webServiceUrl: (e.WALLET_WEB_SERVICE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
        apnsOrigin: e.APNS_ORIGIN.replace(/\/+$/, ""),
        apnsCa: e.APNS_CA,
      },
      google: {
        issuerId: e.GOOGLE_WALLET_ISSUER_ID,
        serviceAccount: e.GOOGLE_WALLET_SERVICE_ACCOUNT,
        apiOrigin: e.GOOGLE_WALLET_API_ORIGIN.replace(/\/+$/, ""),
        tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
      },
    },
    receiptSigningKey: e.RECEIPT_SIGNING_KEY,
    vapid: { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT },
    pushReminderSweepMs: e.PUSH_REMINDER_SWEEP_MS,
    receiptSigningKeysRetired: retiredKeys(e.RECEIPT_SIGNING_KEYS_RETIRED ?? ""),
    booksSealMs: e.BOOKS_SEAL_MS,
    booksHeadMs: e.BOOKS_HEAD_MS,
    booksCopyMs: e.BOOKS_COPY_MS,
    receiptRetentionDays: e.RECEIPT_RETENTION_DAYS,
    receipts: e.RECEIPTS === "on",
    redisUrl: e.REDIS_URL,
    redisNamespace: e.REDIS_NAMESPACE ?? databaseNamespace(e.DATABASE_URL),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT,
    passwordHashCost: e.PASSWORD_HASH_COST,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    paymentCodeTtlSeconds: e.PAYMENT_CODE_TTL_SECONDS,
    institutionLatencyMs: e.INSTITUTION_LATENCY_MS,
    institutionTimeoutMs: e.INSTITUTION_TIMEOUT_MS,
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxDeliveryTimeoutMs: e.OUTBOX_DELIVERY_TIMEOUT_MS,
    outboxInstitutionInFlight: e.OUTBOX_INSTITUTION_IN_FLIGHT,
    outboxDestinationMaxInFlight: e.OUTBOX_DESTINATION_MAX_IN_FLIGHT,
    outboxGiveUpAfterDays: e.OUTBOX_GIVE_UP_AFTER_DAYS,
    recoveryAfterMs: e.RECOVERY_AFTER_MS,
    authorizationDays: e.AUTHORIZATION_DAYS,
    confirmationTtlSeconds: e.CONFIRMATION_TTL_SECONDS,
    webAuthn: {
      rpId: e.WEBAUTHN_RP_ID,
      rpName: e.WEBAUTHN_RP_NAME,
      origins: e.WEBAUTHN_ORIGINS ? e.WEBAUTHN_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean) : [`http://localhost:${e.PORT}`],
      challengeTtlSeconds: e.VERIFICATION_CHALLENGE_TTL_SECONDS,
    },
    feedSettleMs: e.FEED_SETTLE_MS,
    confirmationSweepMs: e.CONFIRMATION_SWEEP_MS,
    retention: {
      sweepMs: e.RETENTION_SWEEP_MS,
      batch: e.RETENTION_BATCH,
      idempotencyHours: e.RETENTION_IDEMPOTENCY_HOURS,
      outboxHours: e.RETENTION_OUTBOX_HOURS,
      deadMessagesDays: e.RETENTION_DEAD_MESSAGES_DAYS,
      codesHours: e.RETENTION_CODES_HOURS,
      sessionsHours: e.RETENTION_SESSIONS_HOURS,
      confirmationsHours: e.RETENTION_CONFIRMATIONS_HOURS,
    },
    websocket: {
      maxSocketsPerCredential: e.WS_MAX_SOCKETS_PER_CREDENTIAL,
      allowedOrigins: e.WS_ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
      keepAliveMs: e.WS_KEEPALIVE_MS,
      credentialRecheckMs: e.WS_CREDENTIAL_RECHECK_MS,
      credentialFullRecheckMs: e.WS_CREDENTIAL_FULL_RECHECK_MS,
    },
    rateLimits: {
      loginPerPhonePerMin: e.RATE_LOGIN_PER_PHONE_PER_MIN,
      loginPerAddressPerMin: e.RATE_LOGIN_PER_ADDRESS_PER_MIN,
      codeIssuePerPhonePerMin: e.RATE_CODE_ISSUE_PER_PHONE_PER_MIN,
      wrongCodesPerTerminalPerMin: e.RATE_WRONG_CODES_PER_TERMINAL_PER_MIN,
      paymentRequestsPerRegisterPerMin: e.RATE_PAYMENT_REQUESTS_PER_REGISTER_PER_MIN,
      paymentRequestsPerPhonePerRegisterPerMin: e.RATE_PAYMENT_REQUESTS_PER_PHONE_PER_REGISTER_PER_MIN,
      memberLookupsPerRegisterPerMin: e.RATE_MEMBER_LOOKUPS_PER_REGISTER_PER_MIN,
      anonymousSocketsPerAddressPerMin: e.RATE_ANONYMOUS_SOCKETS_PER_ADDRESS_PER_MIN,
      messagesPerMemberPerDay: e.MESSAGES_PER_MEMBER_PER_DAY,
      signUpCodesPerPhonePerHour: e.RATE_SIGN_UP_CODES_PER_PHONE_PER_HOUR,
      signUpsPerAddressPerHour: e.RATE_SIGN_UPS_PER_ADDRESS_PER_HOUR,
      gateSearchesPerGatePerMin: e.RATE_GATE_SEARCHES_PER_GATE_PER_MIN,
    },
    offlineMax: { amount: e.OFFLINE_MAX_AMOUNT, count: e.OFFLINE_MAX_COUNT },
    dailyMax: { amount: e.DAILY_MAX_AMOUNT ?? null, count: e.DAILY_MAX_COUNT ?? null, timeZone: e.DAILY_LIMIT_TIME_ZONE },
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    smsGateway: e.SMS_GATEWAY_URL ? { url: e.SMS_GATEWAY_URL, token: e.SMS_GATEWAY_TOKEN ?? null } : null,
    limits: { maxDepth: e.MAX_QUERY_DEPTH, maxAliases: e.MAX_ALIASES, maxCost: e.MAX_QUERY_COST },
  };
}

/** "id@2026-12-01T00:00:00Z,id@..." as the retired receipt keys; ConfigError for anything else. */
function retiredKeys(text: string): Array<{ keyId: string; until: Date }> {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [keyId, at] = entry.split("@");
      const until = new Date(at ?? "");
      if (!/^[0-9a-f]{16}$/.test(keyId ?? "") || Number.isNaN(until.getTime())) {
        throw new ConfigError("RECEIPT_SIGNING_KEYS_RETIRED: each entry is a key id (16 hex digits), @, and the ISO moment it stopped signing");
      }
      return { keyId, until };
    });
}

/**
 * The deployment's Redis namespace when none is set: its MySQL database's name, which
 * every instance of one deployment shares (on every Galera node alike) and two
 * deployments on one MySQL server cannot; "embedded" for SQLite, which one instance
 * alone opens.
 */
function databaseNamespace(databaseUrl: string | undefined): string {
  if (!databaseUrl) return "embedded";
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (/^[A-Za-z0-9_.-]{1,64}$/.test(name)) return name;
  // A name of other characters still tells deployments apart.
  return createHash("sha256").update(name).digest("hex").slice(0, 16);
}
