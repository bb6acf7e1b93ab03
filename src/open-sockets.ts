import { CloseCode } from "graphql-ws";
import type { WebSocket } from "ws";
import type { Logger } from "./logger";
import type { Caller } from "./services/kernel/caller";
import { credentialOf, endedFor, type CredentialId, type CredentialService } from "./services/access/credential.service";
import type { EventBus } from "./services/kernel/events";

/** A socket this instance holds, and who opened it. */
export interface OpenSocket {
  socket: WebSocket;
  caller: Caller;
}

export const CREDENTIAL_ENDED_REASON = "The credential has ended";

/**
 * How far back past the last look each look reaches: an end is stamped by its instance's
 * clock before its transaction commits, so one committed late, or stamped by a clock a
 * little behind this one, still falls in the next look's range.
 */
export const RECENT_OVERLAP_MS = 10_000;

/**
 * The sockets this instance holds, by the credential that opened them. When a credential
 * ends, the instance that ended it announces it (at once here, through Redis to the
 * others); each instance then asks the database which of the named sockets' credentials
 * still hold and closes the rest with 4403.
 *
 * What no announcement named (a session that expired, an announcement Redis lost) is
 * found by asking the database, every `recheckEveryMs`, for the credentials that ended
 * since the last look, less RECENT_OVERLAP_MS: indexed ranges whose cost follows the
 * credentials that ended, not the sockets open (a look at every socket's credential, with
 * ten thousand phones subscribed, took a quarter of the server's thread twice a second).
 * Every `fullEveryMs` every socket's credential is checked whole, for what a look at recent
 * ends cannot see: a credential's row deleted.
 */
export class OpenSockets {
  private readonly byCredential = new Map<string, Set<OpenSocket>>();
  private readonly stopListening: () => void;
  private readonly timer: NodeJS.Timeout;
  private sweeping = false;
  /** When the last look that answered began; the next asks from here less the overlap. */
  private lookedAt: Date;
  private fullAt: number;

  constructor(
    private readonly credentials: CredentialService,
    events: EventBus,
    private readonly logger: Logger,
    private readonly clock: { now(): Date },
    recheckEveryMs: number,
    private readonly fullEveryMs: number,
  ) {
    this.lookedAt = clock.now();
    this.fullAt = Date.now();
    this.stopListening = events.onCredentialsEnded((ended) => void this.recheck(this.entries().filter((e) => endedFor(e.caller, ended))));
    this.timer = setInterval(() => void this.sweep(), recheckEveryMs);
    this.timer.unref();
  }

  /** Sockets open with this caller's credential (0 for the admin token and anonymous callers). */
  count(caller: Caller): number {
    const key = keyOf(caller);
    return key ? (this.byCredential.get(key)?.size ?? 0) : 0;
  }

  add(entry: OpenSocket): void {
    const key = keyOf(entry.caller);
    if (!key) return;
    let set = this.byCredential.get(key);
    if (!set) this.byCredential.set(key, (set = new Set()));
    set.add(entry);
  }

  remove(entry: OpenSocket): void {
    const key = keyOf(entry.caller);
    const set = key ? this.byCredential.get(key) : undefined;
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) this.byCredential.delete(key!);
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopListening();
  }

  private entries(): OpenSocket[] {
    return [...this.byCredential.values()].flatMap((set) => [...set]);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.byCredential.size === 0) return;
    this.sweeping = true;
    try {
      if (Date.now() - this.fullAt >= this.fullEveryMs) {
        this.fullAt = Date.now();
        await this.recheck(this.entries());
      } else {
        await this.closeEndedLately();
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async closeEndedLately(): Promise<void> {
    const looking = this.clock.now();
    try {
      const ended = await this.credentials.endedSince(new Date(this.lookedAt.getTime() - RECENT_OVERLAP_MS));
      this.lookedAt = looking;
      for (const credential of ended) {
        for (const entry of this.byCredential.get(keyOfCredential(credential)) ?? []) entry.socket.close(CloseCode.Forbidden, CREDENTIAL_ENDED_REASON);
      }
    } catch (error) {
      // The next look asks from the same time again.
      this.logger.warn({ err: (error as Error)?.message ?? String(error) }, "could not look for credentials ended lately");
    }
  }

  private async recheck(entries: OpenSocket[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      const live = await this.credentials.stillLive(entries.map((e) => credentialOf(e.caller)!));
      for (const entry of entries) {
        if (!live.has(idOf(credentialOf(entry.caller)!))) entry.socket.close(CloseCode.Forbidden, CREDENTIAL_ENDED_REASON);
      }
    } catch (error) {
      // The next sweep tries again; meanwhile every operation on these sockets re-checks its credential.
      this.logger.warn({ err: (error as Error)?.message ?? String(error) }, "could not re-check open sockets' credentials");
    }
  }
}

const idOf = (credential: CredentialId): string => ("session" in credential ? credential.session : credential.apiKey);

function keyOf(caller: Caller): string | null {
  const credential = credentialOf(caller);
  return credential && keyOfCredential(credential);
}

const keyOfCredential = (credential: CredentialId): string => ("session" in credential ? `session:${credential.session}` : `key:${credential.apiKey}`);
