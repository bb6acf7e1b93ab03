import { StatusTable, sql, type Move } from "../kernel/status-table";

/**
 * An outbox message's status, read from its columns at a moment: DELIVERED once marked,
 * DEAD once given up (and not delivered), LEASED while a lease holds it, PENDING
 * otherwise (due once its next attempt's time has come).
 */
export const OUTBOX_STATUSES = ["PENDING", "LEASED", "DELIVERED", "DEAD"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

interface At {
  now: Date;
}

const OPEN = "deliveredAt IS NULL AND deadAt IS NULL";

interface Lease extends At {
  leaseId: string;
  lockedUntil: Date;
}

interface Failure extends At {
  /** The lease the attempt ran under (a message is attempted only once leased, so never null in practice: null matches no row). */
  leaseId: string | null;
  attempts: number;
  lastError: string;
  nextAttemptAt: Date;
}

/** A failed attempt's record, under its own lease; the message is due again at `nextAttemptAt`. */
const failure = ({ attempts, nextAttemptAt, lastError }: Failure) => [
  sql("attempts = ?", attempts),
  sql("lockedUntil = NULL"),
  sql("nextAttemptAt = ?", nextAttemptAt),
  sql("lastError = ?", lastError),
];

const underLease = ({ leaseId }: Failure) => sql("leaseId = ?", leaseId);

export const OUTBOX_MOVES = new StatusTable({
  noun: "outbox message",
  table: "outbox_messages",
  statuses: OUTBOX_STATUSES,
  status: {
    derived: {
      PENDING: ({ now }: At) => sql(`${OPEN} AND (lockedUntil IS NULL OR lockedUntil < ?)`, now),
      LEASED: ({ now }: At) => sql(`${OPEN} AND lockedUntil >= ?`, now),
      DELIVERED: () => sql("deliveredAt IS NOT NULL"),
      DEAD: () => sql("deliveredAt IS NULL AND deadAt IS NOT NULL"),
    },
  },
  moves: {
    // A poller takes a due message for one attempt; of two pollers, the lease's UPDATE lets one have it.
    lease: {
      from: ["PENDING"],
      to: ["LEASED"],
      also: ({ now }) => sql("nextAttemptAt <= ?", now),
      set: ({ leaseId, lockedUntil }) => [sql("leaseId = ?", leaseId), sql("lockedUntil = ?", lockedUntil)],
    } as Move<OutboxStatus, Lease>,
    // The attempt succeeded. Recorded even when the lease ran out or another instance gave
    // up on it meanwhile: the message did arrive, and a delivered one is never tried again.
    deliver: {
      from: ["PENDING", "LEASED", "DEAD"],
      to: ["DELIVERED"],
      set: ({ now }) => [sql("deliveredAt = ?", now), sql("lockedUntil = NULL")],
    } as Move<OutboxStatus, At>,
    // The attempt failed: due again after a backoff; only by the attempt whose lease it still carries.
    retry: { from: ["PENDING", "LEASED"], to: ["PENDING"], also: underLease, set: failure } as Move<OutboxStatus, Failure>,
    // The attempt failed and the message has failed for too long: no more attempts until an admin retries it.
    giveUp: {
      from: ["PENDING", "LEASED"],
      to: ["DEAD"],
      also: underLease,
      set: (failed) => [...failure(failed), sql("deadAt = ?", failed.now)],
    } as Move<OutboxStatus, Failure>,
    // An admin retries a dead message: due now, its attempts and its give-up age counted afresh.
    revive: {
      from: ["DEAD"],
      to: ["PENDING"],
      set: ({ now }) => [
        sql("deadAt = NULL"),
        sql("revivedAt = ?", now),
        sql("attempts = 0"),
        sql("nextAttemptAt = ?", now),
        sql("lockedUntil = NULL"),
        sql("leaseId = NULL"),
      ],
    } as Move<OutboxStatus, At>,
  },
});

/** Due for an attempt: PENDING and its time come. The poller's pick and the lease both ask this. */
// A lease's own values (its id, its end) play no part in which rows it takes.
export const outboxDue = (now: Date) => OUTBOX_MOVES.candidates("lease", { now } as Lease);
