import { LRUCache } from "lru-cache";
import { IsNull, MoreThan, type EntityManager } from "typeorm";
import { ApiKeyEntity, CustomerEntity, DeviceEntity, PushSubscriptionEntity, SessionEntity } from "../../entities";
import { affectedRows, type AsideReads } from "../../database";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { notFound } from "../kernel/errors";
import type { CredentialsEnded } from "../kernel/events";
import { requireAdmin } from "../kernel/guards";

/**
 * How long an instance keeps an API key it has looked up. A busy terminal's key is then
 * read once a minute, not at every request (a thousand registers each paying every few
 * seconds missed a shorter cache nearly every time). What makes that safe is KEY_FRESH_MS.
 */
export const KEY_CACHE_MS = 60_000;
/** How often an instance holding cached keys asks the database for the keys revoked lately. */
export const KEY_LOOK_MS = 250;
/**
 * A cached key answers only while the newest look for revoked keys that answered was
 * sent within this long. A revocation is announced to every instance at once
 * (events.ts), but one Redis loses (or Redis being down) reaches no other instance; a
 * revocation committed before a look is sent is in that look's answer, so a revoked key
 * is refused everywhere within this long whatever happens to the announcement. While
 * looks fail or wait (the database slow or away), lookups go to the database.
 */
export const KEY_FRESH_MS = 750;
/**
 * How far back past the last look each look reaches: a revocation is stamped by its
 * instance's clock before its transaction commits, so one committed late, or stamped by a
 * clock a little behind this one, still falls in the next look's range.
 */
const KEY_LOOK_OVERLAP_MS = 10_000;
/** Looks waiting for the database at once, at most (a stalled database must not pile them up). */
const LOOKS_IN_FLIGHT = 4;
/** lastUsedAt is a hint for the back office: written at most this often per key and instance. */
const LAST_USED_EVERY_MS = 60_000;
/** The keys revoked since a time: an indexed range of `revokedAt`. */
const REVOKED_SINCE = "SELECT id FROM api_keys WHERE revokedAt >= ?";
/** A key's use noted, unless one was noted since the time given. */
const NOTE_USE = "UPDATE api_keys SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)";
/**
 * Rows per IN (...) when many credentials are re-checked at once. Every chunk has this
 * many, the last filled up with its first id again, so the connection prepares one
 * statement per table, not one per length.
 */
const CHECK_CHUNK = 500;
const placeholders = Array.from({ length: CHECK_CHUNK }, () => "?").join(", ");
const LIVE_SESSIONS = `SELECT id FROM customer_sessions WHERE id IN (${placeholders}) AND revokedAt IS NULL AND expiresAt > ?`;
const LIVE_KEYS = `SELECT id FROM api_keys WHERE id IN (${placeholders}) AND revokedAt IS NULL`;
/** Sessions ended since a time, revoked or expired by now: indexed ranges of `revokedAt` and `expiresAt`. */
const SESSIONS_REVOKED_SINCE = "SELECT id FROM customer_sessions WHERE revokedAt >= ?";
const SESSIONS_EXPIRED_BETWEEN = "SELECT id FROM customer_sessions WHERE expiresAt >= ? AND expiresAt <= ?";

/** CHECK_CHUNK ids from `start`, the last chunk filled up with its first id. */
function chunkOf(ids: string[], start: number): string[] {
  const chunk = ids.slice(start, start + CHECK_CHUNK);
  while (chunk.length < CHECK_CHUNK) chunk.push(chunk[0]);
  return chunk;
}
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
  /** API keys by hash, for KEY_CACHE_MS while the looks answer (KEY_FRESH_MS). Customer sessions are not cached. */
  private readonly apiKeys = new LRUCache<string, ApiKeyEntity>({ max: 10_000, ttl: KEY_CACHE_MS });
  /**
   * Counts revocations heard (announced, or found by a look). A lookup that began before
   * one must not cache what it read: it may be the key just revoked, read a moment
   * before the commit.
   */
  private revocations = 0;
  /** Revoked keys already heard of, so a look that finds one again (its range overlaps the last) counts nothing new. */
  private readonly heardRevoked = new LRUCache<string, true>({ max: 10_000, ttl: 2 * KEY_LOOK_OVERLAP_MS });
  private readonly lastUsedWritten = new LRUCache<string, true>({ max: 10_000, ttl: LAST_USED_EVERY_MS });
  /** When (performance.now()) the newest look that answered was sent; the cache answers only while it is recent. */
  private lookedAt = -Infinity;
  /** The clock's time when that look was sent: the next asks from there, less the overlap. */
  private lookedFrom: Date | null = null;
  private looksInFlight = 0;
  /**
   * The looks' own connection (for revoked keys, and for open sockets' ended credentials):
   * under load the pool's queue outlasts KEY_FRESH_MS, and a look queued there would leave
   * the cache unused and sockets open after their credential ended.
   */
  private looks: AsideReads | null = null;
  private lookFailing = false;
  private lookTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: ServiceDeps) {
    deps.events.onCredentialsEnded((ended) => this.forgetKeys(ended.apiKeyIds ?? []));
  }

  /** Stops looking for revoked keys (the instance is closing); cached keys are no longer used. */
  stop(): void {
    this.stopped = true;
    if (this.lookTimer) clearInterval(this.lookTimer);
    this.lookTimer = null;
    this.lookedAt = -Infinity;
    void this.looks?.close();
  }

  /** The live session behind a session token's hash, or null (unknown, ended or expired). */
  async session(tokenHash: string): Promise<SessionEntity | null> {
    const session = await this.deps.db.read((m) => m.findOneBy(SessionEntity, { tokenHash, revokedAt: IsNull() }));
    return session && session.expiresAt > this.deps.clock.now() ? session : null;
  }

  /** The live API key behind a key's hash, or null. */
  async apiKey(keyHash: string): Promise<ApiKeyEntity | null> {
    let key = performance.now() - this.lookedAt < KEY_FRESH_MS ? (this.apiKeys.get(keyHash) ?? null) : null;
    if (!key) {
      const heard = this.revocations;
      key = await this.deps.db.read((m) => m.findOneBy(ApiKeyEntity, { keyHash, revokedAt: IsNull() }));
      if (key && heard === this.revocations) {
        this.apiKeys.set(keyHash, key);
        this.startLooking();
      }
    }
    if (key) this.noteUse(key);
    return key;
  }

  /**
   * The keys revoked since the last look (less the overlap), asked of the database: an
   * indexed range of `revokedAt`, so its cost follows the revocations, not the keys
   * cached. Each one found is dropped from the cache; the look's time makes the cache
   * usable for KEY_FRESH_MS more.
   */
  async lookForRevokedKeys(): Promise<void> {
    if (this.stopped || this.apiKeys.size === 0 || this.looksInFlight >= LOOKS_IN_FLIGHT) return;
    this.looksInFlight++;
    try {
      // Stamped before it is sent: the SELECT sees every revocation committed before now.
      const sent = performance.now();
      const sentFrom = this.deps.clock.now();
      // A key cached longer ago than KEY_CACHE_MS has left the cache: no need to reach further back.
      const from = Math.max(this.lookedFrom?.getTime() ?? -Infinity, sentFrom.getTime() - KEY_CACHE_MS);
      const revoked = await this.aside.select<{ id: string }>(REVOKED_SINCE, [new Date(from - KEY_LOOK_OVERLAP_MS)]);
      this.forgetKeys(revoked.map((row) => row.id));
      if (sent > this.lookedAt) {
        this.lookedAt = sent;
        this.lookedFrom = sentFrom;
      }
      this.lookFailing = false;
    } catch (error) {
      if (this.stopped) return;
      // Until a look answers again, lookups go to the database (KEY_FRESH_MS).
      if (!this.lookFailing) this.deps.logger.warn({ err: (error as Error)?.message ?? String(error) }, "could not look for revoked API keys");
      this.lookFailing = true;
    } finally {
      this.looksInFlight--;
    }
  }

  private startLooking(): void {
    if (this.lookTimer || this.stopped) return;
    this.lookTimer = setInterval(() => void this.lookForRevokedKeys(), KEY_LOOK_MS);
    this.lookTimer.unref();
    void this.lookForRevokedKeys();
  }

  /**
   * Which of these credentials still hold, asked of the database (never a cache): what
   * an instance checks its open sockets against. On the looks' own connection, so a
   * socket whose credential ended closes as soon under load as at rest.
   */
  async stillLive(credentials: CredentialId[]): Promise<Set<string>> {
    const sessionIds = credentials.flatMap((c) => ("session" in c ? [c.session] : []));
    const keyIds = credentials.flatMap((c) => ("apiKey" in c ? [c.apiKey] : []));
    const live = new Set<string>();
    const now = this.deps.clock.now();
    for (let i = 0; i < sessionIds.length; i += CHECK_CHUNK) {
      const rows = await this.aside.select<{ id: string }>(LIVE_SESSIONS, [...chunkOf(sessionIds, i), now]);
      for (const row of rows) live.add(row.id);
    }
    for (let i = 0; i < keyIds.length; i += CHECK_CHUNK) {
      const rows = await this.aside.select<{ id: string }>(LIVE_KEYS, chunkOf(keyIds, i));
      for (const row of rows) live.add(row.id);
    }
    return live;
  }

  /**
   * The credentials that ended at or after `since` (revoked, or a session that expired
   * since then and by now), asked of the database on the looks' own connection: each an
   * indexed range, so its cost follows the credentials that ended, not the sockets open.
   */
  async endedSince(since: Date): Promise<CredentialId[]> {
    const now = this.deps.clock.now();
    const revoked = await this.aside.select<{ id: string }>(SESSIONS_REVOKED_SINCE, [since]);
    const expired = await this.aside.select<{ id: string }>(SESSIONS_EXPIRED_BETWEEN, [since, now]);
    const keys = await this.aside.select<{ id: string }>(REVOKED_SINCE, [since]);
    return [...[...revoked, ...expired].map((row) => ({ session: row.id })), ...keys.map((row) => ({ apiKey: row.id }))];
  }

  /** The looks' connection (Db.aside), opened at the first look; none is opened once the instance is closing. */
  private get aside(): AsideReads {
    if (this.stopped && !this.looks) throw new Error("the instance is closing: no more looks");
    return (this.looks ??= this.deps.db.aside());
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
    const news = ids.filter((id) => !this.heardRevoked.has(id));
    if (news.length === 0) return;
    this.revocations++;
    for (const id of news) this.heardRevoked.set(id, true);
    for (const [hash, key] of this.apiKeys.entries()) {
      if (news.includes(key.id)) this.apiKeys.delete(hash);
    }
  }

  /**
   * Off the request's path: a failed write only leaves the hint older. One statement,
   * which changes the row only if no instance noted a use in the last LAST_USED_EVERY_MS.
   */
  private noteUse(key: ApiKeyEntity): void {
    if (this.lastUsedWritten.has(key.id)) return;
    this.lastUsedWritten.set(key.id, true);
    const now = this.deps.clock.now();
    this.deps.db
      .write(NOTE_USE, [now, key.id, new Date(now.getTime() - LAST_USED_EVERY_MS)])
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

