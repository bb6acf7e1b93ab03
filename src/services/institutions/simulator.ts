import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { LRUCache } from "lru-cache";
import {
  DECLINE,
  type AuthorizationRequest,
  type AuthorizationResult,
  type CardInstitution,
  type TransactionReport,
} from "./institution";

/** The test cards (README, "Paying with a code"); any other Luhn-valid PAN is approved. */
// A Map, not an object: looked up by every card number, an object's property access made
// V8 drop its optimized code at each new number, and give up optimizing authorize.
const ANSWERS = new Map<string, string | "timeout">([
  ["4000000000000002", DECLINE.cardDeclined],
  ["4000000000009995", DECLINE.insufficientFunds],
  ["4000000000000069", DECLINE.expiredCard],
  ["4000000000000119", "timeout"],
]);

const APPROVAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** How many of each kind of thing the simulator remembers (the newest). */
export const REMEMBERED = 10_000;

/**
 * The built-in institution: answers by test card after `latencyMs`. The "no answer"
 * card waits until the caller gives up (abort), as a dead acquirer link would. It keeps
 * the newest of what it was told in memory, so tests can see reversals and reports
 * arrive, and a development server left running for days does not grow without end.
 */
export class SimulatedInstitution implements CardInstitution {
  readonly authorizations = new LRUCache<string, AuthorizationResult>({ max: REMEMBERED });
  readonly reversals = new LRUCache<string, true>({ max: REMEMBERED });
  /** Authorizations made with capture later, by payment id: the amount held. */
  readonly holds = new LRUCache<string, number>({ max: REMEMBERED });
  /** Captured authorizations, by payment id: the amount captured. */
  readonly captures = new LRUCache<string, number>({ max: REMEMBERED });
  /** Released authorizations, by payment id. */
  readonly releases = new LRUCache<string, true>({ max: REMEMBERED });
  /** The newest reports, oldest first. */
  readonly reports: TransactionReport[] = [];
  private readonly reported = new LRUCache<string, true>({ max: REMEMBERED });
  /** Set by a test to make report() fail, as an unreachable institution would. */
  failReports = false;

  constructor(private readonly latencyMs: number) {}

  async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    const answer = ANSWERS.get(request.pan);
    if (answer === "timeout") {
      await sleep(2 ** 31 - 1, undefined, { signal });
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    const previous = this.authorizations.get(request.paymentId);
    if (previous) return previous;
    const result: AuthorizationResult = answer
      ? { approved: false, reason: answer }
      : { approved: true, approvalNumber: approvalNumber() };
    this.authorizations.set(request.paymentId, result);
    if (result.approved && request.capture === false) this.holds.set(request.paymentId, request.amount);
    return result;
  }

  async reverse(paymentId: string, signal: AbortSignal): Promise<void> {
    // Every call crosses the same network as an authorization, so it takes as long.
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    this.reversals.set(paymentId, true);
  }

  async capture(paymentId: string, amount: number, signal: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    const held = this.holds.get(paymentId);
    // Idempotent: the same capture again is accepted; another amount, or one that was released, is not.
    const captured = this.captures.get(paymentId);
    if (captured !== undefined) {
      if (captured !== amount) throw new Error("the authorization was captured for another amount");
      return;
    }
    if (held === undefined) throw new Error("no authorization held for this payment");
    if (this.releases.has(paymentId)) throw new Error("the authorization was released");
    if (!Number.isInteger(amount) || amount <= 0 || amount > held) throw new Error("capture amount above the authorization");
    this.captures.set(paymentId, amount);
  }

  async releaseAuthorization(paymentId: string, signal: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    if (this.captures.has(paymentId)) throw new Error("the authorization was captured");
    this.releases.set(paymentId, true);
  }

  async report(report: TransactionReport, signal: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    if (this.failReports) throw new Error("institution unreachable");
    // Reports are idempotent: a repeated delivery (the outbox is at-least-once) is ignored.
    const key = `${report.paymentId}:${report.kind}:${report.refundId ?? ""}`;
    if (this.reported.has(key)) return;
    this.reported.set(key, true);
    this.reports.push(report);
    // Trimmed in halves, so dropping the oldest costs nothing per report.
    if (this.reports.length >= 2 * REMEMBERED) this.reports.splice(0, REMEMBERED);
  }
}

const APPROVAL_LENGTH = 6;
const APPROVAL_NUMBERS = APPROVAL_ALPHABET.length ** APPROVAL_LENGTH;

/** Six characters of A-Z0-9, uniformly, from one random draw (not one per character). */
function approvalNumber(): string {
  let n = randomInt(APPROVAL_NUMBERS);
  let out = "";
  for (let i = 0; i < APPROVAL_LENGTH; i++) {
    out += APPROVAL_ALPHABET[n % APPROVAL_ALPHABET.length];
    n = Math.floor(n / APPROVAL_ALPHABET.length);
  }
  return out;
}
