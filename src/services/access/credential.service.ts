import { LRUCache } from "lru-cache";
import { Between, In, IsNull, MoreThan, MoreThanOrEqual, type EntityManager } from "typeorm";
import { ApiKeyEntity, CustomerEntity, DeviceEntity, PushSubscriptionEntity, SessionEntity } from "../../entities";
import { affectedRows } from "../../database";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { notFound } from "../kernel/errors";
import type { CredentialsEnded } from "../kernel/events";
import { requireAdmin } from "../kernel/guards";

/**
 * How long an instance keeps an API key it has looked up. A revocation is announced to
 * every instance at once (events.ts), but an announcement Redis loses (or Redis being
 * down) reaches no other instance: this bounds how long a revoked key still works there,
 * well inside a second. A busy terminal then costs one indexed read per half second.
 */
export const KEY_CACHE_MS = 500;
/** lastUsedAt is a hint for the back office: written at most this often per key and instance. */
const LAST_USED_EVERY_MS = 60_000;
/** Rows per IN (...) when many credentials are re-checked at once. */
const CHECK_CHUNK = 500;
/** apiKeys lists at most this many, newest first. */
export const API_KEYS_LISTED = 1000;

/** A credential as open sockets remember it: a session, or an API key. */
export type CredentialId = { session: string } | { apiKey: string };

/**
 * Sessions and API keys: finding the live one behind a bearer, and ending them. Every
 * end is committed first and then announced (EventBus.credentialsEnded), so each
 * instance drops its cached keys and closes the sockets opened with them.
 */
export class CredentialService {
  /** API keys by hash, for KEY_CACHE_MS. Customer sessions are not cached. */
  private readonly apiKeys = new LRUCache<string, ApiKeyEntity>({ max: 10_000, ttl: KEY_CACHE_MS });
  /**
   * Counts revocations heard. A lookup that began before one must not cache what it
   * read: it may be the key just revoked, read a moment before the commit.
   */
  private revocations = 0;
  private readonly lastUsedWritten = new LRUCache<string, true>({ max: 10_000, ttl: LAST_USED_EVERY_MS });

  constructor(private readonly deps: ServiceDeps) {
    deps.events.onCredentialsEnded((ended) => this.forgetKeys(ended.apiKeyIds ?? []));
  }

  /** The live session behind a session token's hash, or null (unknown, ended or expired). */
  async session(tokenHash: string): Promise<SessionEntity | null> {
    const session = await this.deps.db.read((m) => m.findOneBy(SessionEntity, { tokenHash, revokedAt: IsNull() }));
    return session && session.expiresAt > this.deps.clock.now() ? session : null;
  }

  /** The live API key behind a key's hash, or null. */
  async apiKey(keyHash: string): Promise<ApiKeyEntity | null> {
    let key = this.apiKeys.get(keyHash) ?? null;
    if (!key) {
      const heard = this.revocations;
      key = await this.deps.db.read((m) => m.findOneBy(ApiKeyEntity, { keyHash, revokedAt: IsNull() }));
      if (key && heard === this.revocations) this.apiKeys.set(keyHash, key);
    }
    if (key) this.noteUse(key);
    return key;
  }

  /**
   * Which of these credentials still hold, asked of the database (never a cache): what
   * an instance checks its open sockets against.
   */
  async stillLive(credentials: CredentialId[]): Promise<Set<string>> {
    const sessionIds = credentials.flatMap((c) => ("session" in c ? [c.session] : []));
    const keyIds = credentials.flatMap((c) => ("apiKey" in c ? [c.apiKey] : []));
    const live = new Set<string>();
    const now = this.deps.clock.now();
    for (let i = 0; i < sessionIds.length; i += CHECK_CHUNK) {
      const rows = await this.deps.db.read((m) =>
        m.find(SessionEntity, {
          select: { id: true },
          where: { id: In(sessionIds.slice(i, i + CHECK_CHUNK)), revokedAt: IsNull(), expiresAt: MoreThan(now) },
        }),
      );
      for (const row of rows) live.add(row.id);
    }
    for (let i = 0; i < keyIds.length; i += CHECK_CHUNK) {
      const rows = await this.deps.db.read((m) =>
        m.find(ApiKeyEntity, { select: { id: true }, where: { id: In(keyIds.slice(i, i + CHECK_CHUNK)), revokedAt: IsNull() } }),
      );
      for (const row of rows) live.add(row.id);
    }
    return live;
  }

  /**
   * The credentials that ended at or after `since` (revoked, or a session that expired
   * since then and by now), asked of the database: each an indexed range, so its cost
   * follows the credentials that ended, not the sockets open.
   */
  async endedSince(since: Date): Promise<CredentialId[]> {
    const now = this.deps.clock.now();
    return this.deps.db.read(async (m) => {
      const select = { id: true } as const;
      const revoked = await m.find(SessionEntity, { select, where: { revokedAt: MoreThanOrEqual(since) } });
      const expired = await m.find(SessionEntity, { select, where: { expiresAt: Between(since, now) } });
      const keys = await m.find(ApiKeyEntity, { select, where: { revokedAt: MoreThanOrEqual(since) } });
      return [...[...revoked, ...expired].map((row) => ({ session: row.id })), ...keys.map((row) => ({ apiKey: row.id }))];
    });
  }

  /** Whether the session still holds, as `m`'s transaction sees it. */
  async sessionIsLive(m: EntityManager, sessionId: string): Promise<boolean> {
    return m.existsBy(SessionEntity, { id: sessionId, revokedAt: IsNull(), expiresAt: MoreThan(this.deps.clock.now()) });
  }

  /** Ends one session (logout). */
  async endSession(sessionId: string): Promise<void> {
    // Run again after a lost COMMIT, it finds the session ended or ends it.
    // Its push subscription goes with it: a signed-out phone hears nothing more.
    await this.deps.db.tx(
      async (tx) => {
        await tx.update(SessionEntity, { id: sessionId, revokedAt: IsNull() }, { revokedAt: this.deps.clock.now() });
        await tx.delete(PushSubscriptionEntity, { sessionId });
      },
      { repeatable: true },
    );
    this.deps.events.credentialsEnded({ sessionIds: [sessionId] });
  }

  /**
   * Admin, for a lost phone: ends every live session of the customer, revokes their
   * devices' keys and deletes their push subscriptions, in one transaction; returns how
   * many sessions.
   */
  async endCustomerSessions(caller: Caller, customerId: string): Promise<number> {
    requireAdmin(caller);
    const now = this.deps.clock.now();
    const ended = await this.deps.db.tx(async (tx) => {
      if (!(await tx.existsBy(CustomerEntity, { id: customerId }))) notFound("customer");
      await tx.update(DeviceEntity, { customerId, revokedAt: IsNull() }, { revokedAt: now });
      await tx.delete(PushSubscriptionEntity, { customerId });
      return affectedRows(await tx.update(SessionEntity, { customerId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now }));
    });
    // Announced even when none was live: a socket may outlive its session's expiry by a moment.
    this.deps.events.credentialsEnded({ customerId });
    return ended;
  }

  /** Admin: the key fails from now on, over HTTP and on open sockets, on every instance. */
  async revokeApiKey(caller: Caller, id: string): Promise<ApiKeyEntity> {
    requireAdmin(caller);
    const key = await this.deps.db.tx(async (tx) => {
      await tx.update(ApiKeyEntity, { id, revokedAt: IsNull() }, { revokedAt: this.deps.clock.now() });
      return tx.findOneBy(ApiKeyEntity, { id });
    });
    if (!key) return notFound("API key");
    this.deps.events.credentialsEnded({ apiKeyIds: [id] });
    return key;
  }

  /** Admin: keys (all, or one owner's), newest first, at most API_KEYS_LISTED. */
  async listApiKeys(caller: Caller, ownerId: string | null): Promise<ApiKeyEntity[]> {
    requireAdmin(caller);
    return this.deps.db.read((m) =>
      m.find(ApiKeyEntity, { where: ownerId ? { ownerId } : {}, order: { createdAt: "DESC", id: "DESC" }, take: API_KEYS_LISTED }),
    );
  }

  private forgetKeys(ids: string[]): void {
    if (ids.length === 0) return;
    this.revocations++;
    for (const [hash, key] of this.apiKeys.entries()) {
      if (ids.includes(key.id)) this.apiKeys.delete(hash);
    }
  }

  /** Off the request's path: a failed write only leaves the hint older. */
  private noteUse(key: ApiKeyEntity): void {
    if (this.lastUsedWritten.has(key.id)) return;
    this.lastUsedWritten.set(key.id, true);
    const now = this.deps.clock.now();
    this.deps.db
      .tx((tx) => tx.update(ApiKeyEntity, { id: key.id }, { lastUsedAt: now }))
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error)?.message }, "could not note an API key's use"));
  }
}

/** The credential a caller presented, as CredentialService.stillLive takes it. */
export function credentialOf(caller: Caller): CredentialId | null {
  switch (caller.kind) {
    case "customer":
      return { session: caller.sessionId };
    case "register":
    case "gate":
    case "partner":
      return { apiKey: caller.apiKeyId };
    default:
      return null;
  }
}

/** Whether an announcement names this caller's credential. */
export function endedFor(caller: Caller, ended: CredentialsEnded): boolean {
  if (caller.kind === "customer") return caller.customerId === ended.customerId || Boolean(ended.sessionIds?.includes(caller.sessionId));
  if ("apiKeyId" in caller) return Boolean(ended.apiKeyIds?.includes(caller.apiKeyId));
  return false;
}

