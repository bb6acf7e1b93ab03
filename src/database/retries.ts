import { QueryFailedError } from "typeorm";

/**
 * Which MySQL/MariaDB failures a statement or transaction may simply be run again after,
 * and how long to wait first.
 *
 *   - "conflict": InnoDB chose the transaction as a deadlock victim, or a Galera node
 *     refused its commit because a transaction on another node committed the same rows
 *     first (certification failure, aborts by replicated writes): both are errno 1213,
 *     and the transaction was rolled back whole. Running it again on the same node is
 *     right; the backoff spreads the retries of writers that collided.
 *   - "node": this database node cannot serve us: it refused the connection, or it is a
 *     Galera node that is not part of the primary component yet or any more (errno 1047,
 *     "WSREP has not yet prepared node for application use"), or the connection dropped.
 *     Another node of the cluster may serve the same request (hosts.ts).
 */
export type Retryable = "conflict" | "node";

/** Attempts in all, the first included. */
export const MAX_ATTEMPTS = 10;
const BASE_DELAY_MS = 2;
const MAX_DELAY_MS = 250;

/**
 * A write inside a transaction whose reply shows no transaction open any more: the
 * server rolled the transaction back before the write ran (on Galera, a transaction
 * aborted by a replicated write while it waited between two texts of ours; MariaDB may
 * then answer the texts that follow, COMMIT included, with OK). It carries the errno
 * of a rollback, so `Db.tx` runs the transaction again like any certification failure.
 */
export class TransactionRolledBack extends Error {
  readonly errno = 1213;
  readonly code = "ER_LOCK_DEADLOCK";

  constructor() {
    super("the server rolled the transaction back before a write of it ran");
    this.name = "TransactionRolledBack";
  }
}

/** Errnos and codes that mean the node, not the statement, is at fault. */
const NODE_ERRNOS = new Set([1047]);
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST"]);

/** Errors after which a transaction may have committed: running it again could do it twice. */
const outcomeUnknown = new WeakSet<object>();

export function retryableKind(error: unknown): Retryable | null {
  const driverError = driverErrorOf(error) as { errno?: number; code?: string } | null;
  if (!driverError || typeof driverError !== "object") return null;
  if (driverError.errno === 1213) return "conflict";
  if ((driverError.errno !== undefined && NODE_ERRNOS.has(driverError.errno)) || (driverError.code && NODE_CODES.has(driverError.code))) return "node";
  return null;
}

/** A connection failed while its transaction's COMMIT was on its way (see Tx.run). */
export function markOutcomeUnknown(error: unknown): void {
  if (retryableKind(error) === "node" && !refusedBeforeRunning(error) && error && typeof error === "object") outcomeUnknown.add(error);
}

export function isOutcomeUnknown(error: unknown): boolean {
  return typeof error === "object" && error !== null && outcomeUnknown.has(error);
}

/** The node refused the work before running any of it: a connection refused, or 1047. */
export function refusedBeforeRunning(error: unknown): boolean {
  const driverError = driverErrorOf(error) as { errno?: number; code?: string } | null;
  return driverError?.errno === 1047 || driverError?.code === "ECONNREFUSED";
}

/**
 * Exponential backoff with full jitter before attempt `attempt + 1`: a random wait up to
 * 2 ms, 4 ms, 8 ms, ... capped at 250 ms, so writers that collided do not collide again
 * in step. A node failure waits 125 to 250 ms: whether the next attempt goes to another
 * node or, with no other, to the same one, that node needs a moment.
 */
export function backoffMs(attempt: number, kind: Retryable): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  const jittered = Math.random() * ceiling;
  return kind === "node" ? MAX_DELAY_MS / 2 + jittered / 2 : jittered;
}

/** The driver's own error: TypeORM wraps it, a direct statement throws it as it is. */
export function driverErrorOf(error: unknown): unknown {
  return error instanceof QueryFailedError ? error.driverError : error;
}
