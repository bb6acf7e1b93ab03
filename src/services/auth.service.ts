import { LRUCache } from "lru-cache";
import { IsNull } from "typeorm";
import { ApiKeyEntity, CustomerEntity, SessionEntity } from "../entities";
import type { Caller } from "./caller";
import { hashPassword, verifyPassword } from "./crypto/password";
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX, newBearer, safeEqual, sha256Hex } from "./crypto/tokens";
import type { CustomerService } from "./customer.service";
import type { ServiceDeps } from "./deps";
import { ErrorCode, fail } from "./errors";
import { throttledCheck } from "./guess-throttle";
import { newId } from "./ids";
import { requireCustomer } from "./guards";
import { requirePhone } from "./validation";

const KEY_CACHE_MS = 30_000;

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
  /**
   * API keys by hash, for a short while: terminals send the same key with every scan, and
   * a key's role and owner never change. (A revocation would take up to KEY_CACHE_MS to
   * reach an instance that has the key cached.) Customer sessions are not cached, so a
   * logout takes effect at once everywhere.
   */
  private readonly apiKeys = new LRUCache<string, ApiKeyEntity>({ max: 10_000, ttl: KEY_CACHE_MS });

  constructor(
    private readonly deps: ServiceDeps,
    private readonly adminToken: string,
    private readonly customers: CustomerService,
  ) {}

  async authenticate(authorization: string | undefined, address: string): Promise<Caller> {
    const bearer = parseBearer(authorization);
    if (bearer === null) return { kind: "anonymous", address };
    if (bearer.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.deps.db.read((m) =>
        m.findOneBy(SessionEntity, { tokenHash: sha256Hex(bearer), revokedAt: IsNull() }),
      );
      if (!session || session.expiresAt <= this.deps.clock.now()) return { kind: "invalid", address };
      return { kind: "customer", role: "PHONE", customerId: session.customerId, sessionId: session.id, address };
    }
    if (bearer.startsWith(API_KEY_PREFIX)) {
      const keyHash = sha256Hex(bearer);
      let key = this.apiKeys.get(keyHash) ?? null;
      if (!key) {
        key = await this.deps.db.read((m) => m.findOneBy(ApiKeyEntity, { keyHash, revokedAt: IsNull() }));
        if (key) this.apiKeys.set(keyHash, key);
      }
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
   * same INVALID_PASSWORD, and guessing is throttled per phone number (enrolled or not)
   * and per address with growing delays (guess-throttle.ts), never by locking the account.
   */
  async login(phoneInput: string, password: string, address: string): Promise<IssuedSession> {
    const phone = requirePhone(phoneInput);
    await this.deps.rateLimits.consume("loginPerAddress", address);
    await this.deps.rateLimits.consume("loginPerPhone", phone);
    const { guessing } = this.deps.rateLimits;
    const found: { customer?: CustomerEntity | null } = {};
    const { right } = await throttledCheck([[guessing.phone, phone], [guessing.address, address]], async () => {
      const customer = (found.customer = await this.customers.findByPhone(phone));
      return customer ? verifyPassword(password, customer.passwordHash) : this.spendDecoyHash(password);
    });
    const customer = right ? found.customer : null;
    if (!customer) return fail(ErrorCode.INVALID_PASSWORD, "The phone number or password is wrong");
    const token = newBearer(SESSION_TOKEN_PREFIX);
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.config.sessionTtlHours * 3_600_000);
    await this.deps.db.tx((m) =>
      m.insert(SessionEntity, {
        id: newId(),
        customerId: customer.id,
        tokenHash: sha256Hex(token),
        expiresAt,
        revokedAt: null,
        createdAt: now,
      }),
    );
    return { token, expiresAt, customer };
  }

  async logout(caller: Caller): Promise<boolean> {
    const { sessionId } = requireCustomer(caller);
    await this.deps.db.tx((m) => m.update(SessionEntity, { id: sessionId }, { revokedAt: this.deps.clock.now() }));
    return true;
  }

  /** The hash a known phone number would cost; never right, whatever the password. */
  private async spendDecoyHash(password: string): Promise<false> {
    this.decoyHash ??= hashPassword("decoy-password", this.deps.config.passwordHashCost);
    await verifyPassword(password, await this.decoyHash);
    return false;
  }
}

function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : header.trim() || null;
}
