import { setTimeout as sleep } from "node:timers/promises";
import { createHash } from "node:crypto";
import { IdempotencyRecordEntity } from "../../entities";
import { isOutcomeUnknown, isUniqueViolation, row, type Tx } from "../../database";
import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError, badInput, fail } from "./errors";
import { newId } from "./ids";

/**
 * Claims the key in the work's own first transaction, naming the result it will make:
 * the record travels with that transaction's next round trip. If the key is taken, that
 * round trip fails on the unique index, the transaction rolls back, and the call
 * becomes a replay.
 */
export type ClaimKey = (tx: Tx, resultId: string) => void;

export interface IdempotentCall<T> {
  /** Whose keys these are (one terminal's keys never collide with another's). */
  scope: string;
  key: string;
  operation: string;
  /** Everything that makes two requests "the same"; hashed, never stored as is. */
  request: unknown;
  /**
   * This same request as it was described under earlier keys (a code's hash under an
   * earlier code-hash key), so a retry across a key rotation replays instead of being
   * a conflict. Asked for only when a replay's stored request differs from `request`.
   */
  requestUnderEarlierKeys?: () => unknown[];
  /**
   * Does the work. Its first transaction calls `claim` before anything else it writes,
   * so the key and the result commit together, or not at all.
   */
  work: (claim: ClaimKey) => Promise<T>;
  /** Loads a result by id, for replays. */
  load: (resultId: string) => Promise<T>;
  /** False while the first call is still deciding (a replay then waits for it). */
  settled?: (result: T) => boolean;
  /**
   * Finishes a result this call's own earlier run committed without hearing so (`cause`:
   * that run's error, its COMMIT's answer lost), found unsettled when the key replays it.
   * No one else is deciding it: that run has ended. Null when the result is not safe to
   * finish from here, and the replay answers it as it stands.
   */
  finish?: (result: T, cause: unknown) => Promise<T> | null;
}

// Errors that say nothing about the request itself are not remembered: a retry may succeed.
const NOT_REMEMBERED = new Set<ErrorCode>([ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHENTICATED]);
/** Runs of the work after a COMMIT whose answer was lost (see `run`). */
const RUNS_AFTER_LOST_COMMIT = 2;

/**
 * Same key, same answer. The first call inserts the (scope, key) row in the same
 * transaction as its result (the unique index decides between racing calls: the loser
 * waits on the index and then replays). A business error is remembered in a row of its
 * own and replayed too; the same key with a different request is IDEMPOTENCY_CONFLICT.
 *
 * A COMMIT whose answer was lost with its connection (the database node failed) leaves
 * the work's outcome unknown; the work runs again, and the key decides: if the lost
 * COMMIT was the key's and went through, the key's claim collides with it and the call
 * replays what it committed; if not, the work is done now.
 */
export class IdempotencyService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly waitForFirstMs: number,
  ) {}

  async run<T>(call: IdempotentCall<T>): Promise<T> {
    if (call.key.length < 1 || call.key.length > 128) {
      badInput("idempotencyKey must be 1 to 128 characters", { field: "idempotencyKey" });
    }
    const requestHash = hashOf(call.operation, call.request);
    const record = (resultId: string | null, error?: WalletError) =>
      Object.assign(new IdempotencyRecordEntity(), {
        id: newId(),
        scope: call.scope,
        idemKey: call.key,
        operation: call.operation,
        requestHash,
        state: "DONE" as const,
        resultId,
        errorCode: error?.code ?? null,
        errorMessage: error?.message.slice(0, 200) ?? null,
        createdAt: this.deps.clock.now(),
      });
    const claim: ClaimKey = (tx, resultId) => tx.defer(row(IdempotencyRecordEntity, record(resultId)));

    let lostCommit: unknown = null;
    for (let attempt = 1, lostCommits = 0; ; attempt++) {
      try {
        return await call.work(claim);
      } catch (error) {
        if (isOutcomeUnknown(error) && lostCommits++ < RUNS_AFTER_LOST_COMMIT) {
          lostCommit = error;
          continue;
        }
        if (isUniqueViolation(error)) {
          // Most likely the key's own index: a replay, if a record is there to replay.
          const replayed = await this.replay(call, requestHash, lostCommit);
          if (replayed) return replayed.result;
          // None: the retention sweep deleted it a moment ago (the key is as good as new),
          // or the violation was another index's, which a second attempt shows.
          if (attempt < 2) continue;
          throw error;
        }
        if (error instanceof WalletError && !NOT_REMEMBERED.has(error.code)) {
          // The work's transaction rolled back; remember the answer on its own.
          try {
            await this.deps.db.tx(async (tx) => tx.add(IdempotencyRecordEntity, record(null, error)));
          } catch (insertError) {
            if (!isUniqueViolation(insertError)) throw insertError;
            const replayed = await this.replay(call, requestHash);
            if (replayed) return replayed.result;
          }
        }
        throw error;
      }
    }
  }

  /**
   * The key's first answer (a result, or its error thrown), or null if the key has no
   * record. After this call's own lost COMMIT (`lostCommit`), an unsettled result may be
   * that run's, which ended before deciding it: `finish` decides it now.
   */
  private async replay<T>(call: IdempotentCall<T>, requestHash: string, lostCommit: unknown = null): Promise<{ result: T } | null> {
    // The first answer may have committed a moment ago on another database node.
    const existing = await this.deps.db.read((m) => m.findOneBy(IdempotencyRecordEntity, { scope: call.scope, idemKey: call.key }), { fresh: true });
    if (!existing) return null;
    const same =
      existing.operation === call.operation &&
      (existing.requestHash === requestHash ||
        (call.requestUnderEarlierKeys?.() ?? []).some((earlier) => existing.requestHash === hashOf(call.operation, earlier)));
    if (!same) fail(ErrorCode.IDEMPOTENCY_CONFLICT, "This idempotency key was used for a different request");
    if (existing.errorCode || !existing.resultId) {
      throw new WalletError(existing.errorCode as ErrorCode, existing.errorMessage ?? "Request failed");
    }
    const deadline = Date.now() + this.waitForFirstMs;
    for (let first = true; ; first = false) {
      const result = await call.load(existing.resultId);
      if (!call.settled || call.settled(result)) return { result };
      const finishing = first && lostCommit !== null ? call.finish?.(result, lostCommit) : null;
      if (finishing) return { result: await finishing };
      if (Date.now() >= deadline) return { result };
      await sleep(25);
    }
  }
}

const hashOf = (operation: string, request: unknown): string =>
  createHash("sha256").update(JSON.stringify([operation, request])).digest("hex");
