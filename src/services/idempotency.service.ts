import { setTimeout as sleep } from "node:timers/promises";
import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { IdempotencyRecordEntity } from "../entities";
import { isUniqueViolation } from "./customer.service";
import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError, badInput, fail } from "./errors";
import { newId } from "./ids";

export interface IdempotentCall<T> {
  /** Whose keys these are (one terminal's keys never collide with another's). */
  scope: string;
  key: string;
  operation: string;
  /** Everything that makes two requests "the same"; hashed, never stored as is. */
  request: unknown;
  /** Does the work; calls `attach` inside its transaction with the id of what it made. */
  work: (attach: (m: EntityManager, resultId: string) => Promise<void>) => Promise<string>;
  /** Loads the result by id, for the first call and for every replay. */
  load: (resultId: string) => Promise<T>;
}

// Errors that say nothing about the request itself are not remembered: a retry may succeed.
const NOT_REMEMBERED = new Set<ErrorCode>([ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHENTICATED]);

/**
 * Same key, same answer: the first call inserts an IN_PROGRESS row (the unique index on
 * (scope, key) decides between racing calls), does the work, and records the result id
 * or the business error. A replay returns that; a different request with the same key
 * is IDEMPOTENCY_CONFLICT.
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
    const requestHash = createHash("sha256").update(JSON.stringify([call.operation, call.request])).digest("hex");
    const record = Object.assign(new IdempotencyRecordEntity(), {
      id: newId(),
      scope: call.scope,
      idemKey: call.key,
      operation: call.operation,
      requestHash,
      state: "IN_PROGRESS" as const,
      resultId: null,
      errorCode: null,
      errorMessage: null,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx((m) => m.insert(IdempotencyRecordEntity, record));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.replay(call, requestHash);
    }

    let resultId: string;
    try {
      resultId = await call.work((m, id) => this.attach(m, record.id, id));
    } catch (error) {
      await this.finishWithError(record.id, error);
      throw error;
    }
    await this.deps.db.tx((m) => m.update(IdempotencyRecordEntity, { id: record.id }, { state: "DONE", resultId }));
    return call.load(resultId);
  }

  private async attach(m: EntityManager, recordId: string, resultId: string): Promise<void> {
    await m.update(IdempotencyRecordEntity, { id: recordId }, { resultId });
  }

  private async finishWithError(recordId: string, error: unknown): Promise<void> {
    if (error instanceof WalletError && !NOT_REMEMBERED.has(error.code)) {
      await this.deps.db.tx((m) =>
        m.update(IdempotencyRecordEntity, { id: recordId }, {
          state: "DONE",
          errorCode: error.code,
          errorMessage: error.message.slice(0, 200),
        }),
      );
    } else {
      // Nothing was decided: free the key so the caller can simply try again. A record
      // already linked to a result stays; recovery settles that result and the record.
      await this.deps.db.tx((m) =>
        m
          .createQueryBuilder()
          .delete()
          .from(IdempotencyRecordEntity)
          .where("id = :id AND resultId IS NULL", { id: recordId })
          .execute(),
      );
    }
  }

  private async replay<T>(call: IdempotentCall<T>, requestHash: string): Promise<T> {
    const deadline = Date.now() + this.waitForFirstMs;
    for (;;) {
      const existing = await this.deps.db.read((m) =>
        m.findOneByOrFail(IdempotencyRecordEntity, { scope: call.scope, idemKey: call.key }),
      );
      if (existing.operation !== call.operation || existing.requestHash !== requestHash) {
        fail(ErrorCode.IDEMPOTENCY_CONFLICT, "This idempotency key was used for a different request");
      }
      if (existing.state === "DONE" && existing.errorCode) {
        throw new WalletError(existing.errorCode as ErrorCode, existing.errorMessage ?? "Request failed");
      }
      if (existing.resultId && (existing.state === "DONE" || Date.now() >= deadline)) return call.load(existing.resultId);
      if (Date.now() >= deadline) {
        fail(ErrorCode.IDEMPOTENCY_CONFLICT, "A request with this idempotency key is still in progress");
      }
      await sleep(25);
    }
  }
}
