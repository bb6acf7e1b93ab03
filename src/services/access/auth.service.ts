import { row } from "../../database";
import { CustomerEntity, SessionEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import { hashPassword, verifyPassword } from "../crypto/password";
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX, newBearer, safeEqual, sha256Hex } from "../crypto/tokens";
import type { CredentialService } from "./credential.service";
import type { CustomerService } from "./customer.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, fail } from "../kernel/errors";
import { throttledCheck, type GuessThrottle } from "../kernel/guess-throttle";
import { pairKey } from "../kernel/known-addresses";
import { newId } from "../kernel/ids";
import { requireCustomer } from "../kernel/guards";
import { requirePhone } from "../kernel/validation";

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  customer: CustomerEntity;
}

/**
 * Turns bearer credentials into a Caller, and runs phone login/logout. Tokens and keys
 * are looked up by their SHA-256, never stored or compared in the clear.
 */
export class AuthService {
  private decoyHash: Promise<string> | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly adminToken: string,
    private readonly customers: CustomerService,
    private readonly credentials: CredentialService,
  ) {}

  async authenticate(authorization: string | undefined, address: string): Promise<Caller> {
    const bearer = parseBearer(authorization);
    if (bearer === null) return { kind: "anonymous", address };
    if (bearer.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.credentials.session(sha256Hex(bearer));
      if (!session) return { kind: "invalid", address };
      return { kind: "customer", role: "PHONE", customerId: session.customerId, sessionId: session.id, address };
    }
    if (bearer.startsWith(API_KEY_PREFIX)) {
      const key = await this.credentials.apiKey(sha256Hex(bearer));
      if (!key) return { kind: "invalid", address };
      const base = { apiKeyId: key.id, address };
      if (key.role === "REGISTER") return { kind: "register", role: "REGISTER", storeId: key.ownerId, ...base };
      if (key.role === "GATE") return { kind: "gate", role: "GATE", partnerId: key.ownerId, ...base };
      return { kind: "partner", role: "PARTNER", partnerId: key.ownerId, ...base };
    }
    if (safeEqual(bearer, this.adminToken)) return { kind: "admin", role: "ADMIN", address };
    return { kind: "invalid", address };
  }

  /**
   * Logs a phone in. Until the password is proven, every answer is the same for an
   * enrolled and an unknown phone number: an unknown one costs the same hash and gets the
   * same INVALID_PASSWORD. Guessing is slowed with growing delays (guess-throttle.ts),
   * never by locking the account, per phone number from one address, per address, and per
   * phone number from every address (a high ceiling that an address the number logged in
   * from before passes), so a stranger's failures never hold the owner on the owner's own
   * address (docs/security.md).
   */
  async login(phoneInput: string, password: string, address: string): Promise<IssuedSession> {
    const phone = requirePhone(phoneInput);
    const pair = pairKey(phone, address);
    await this.deps.rateLimits.consume("loginPerAddress", address);
    await this.deps.rateLimits.consume("loginPerPhone", pair);
    const { guessing } = this.deps.rateLimits;
    const known = await guessing.knownAddresses.has(phone, address);
    const throttles: Array<[GuessThrottle, string]> = [
      [guessing.phoneFromAddress, pair],
      [guessing.address, address],
      ...(known ? [] : [[guessing.phoneEverywhere, phone] as [GuessThrottle, string]]),
    ];
    const found: { customer?: CustomerEntity | null } = {};
    const { right } = await throttledCheck(throttles, async () => {
      const customer = (found.customer = await this.customers.findByPhone(phone));
      return customer ? verifyPassword(password, customer.passwordHash, address) : this.spendDecoyHash(password, address);
    });
    const customer = right ? found.customer : null;
    if (!customer) return fail(ErrorCode.INVALID_PASSWORD, "The phone number or password is wrong");
    await guessing.knownAddresses.remember(phone, address);
    return this.issueSession(customer);
  }

  /** A new session for a customer whose credential was just proven (a login, a sign-up). */
  async issueSession(customer: CustomerEntity): Promise<IssuedSession> {
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.config.sessionTtlHours * 3_600_000);
    // Each run makes a new token: a run again after a lost COMMIT leaves at most a session
    // whose token nobody was given. The row travels with the BEGIN and COMMIT: one round trip.
    const token = await this.deps.db.tx(
      async (tx) => {
        const token = newBearer(SESSION_TOKEN_PREFIX);
        tx.atCommit(
          row(SessionEntity, {
            id: newId(),
            customerId: customer.id,
            tokenHash: sha256Hex(token),
            expiresAt,
            revokedAt: null,
            createdAt: now,
          }),
        );
        return token;
      },
      { repeatable: true },
    );
    return { token, expiresAt, customer };
  }

  async logout(caller: Caller): Promise<boolean> {
    const { sessionId } = requireCustomer(caller);
    await this.credentials.endSession(sessionId);
    return true;
  }

  /** The hash a known phone number would cost; never right, whatever the password. */
  private async spendDecoyHash(password: string, address: string): Promise<false> {
    this.decoyHash ??= hashPassword("decoy-password", this.deps.config.passwordHashCost);
    await verifyPassword(password, await this.decoyHash, address);
    return false;
  }
}

function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : header.trim() || null;
}
