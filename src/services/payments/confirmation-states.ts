import { StatusTable, sql, type Move } from "../kernel/status-table";

/** A confirmation request's status: PENDING is a request with no answer yet (answer IS NULL). */
export const CONFIRMATION_STATUSES = ["PENDING", "APPROVED", "REJECTED", "EXPIRED", "CANCELLED"] as const;
export type ConfirmationStatus = (typeof CONFIRMATION_STATUSES)[number];

interface At {
  now: Date;
}

/** Every answer records when it was given. */
const answeredAt = ({ now }: At) => [sql("answeredAt = ?", now)];

/**
 * A request is answered once: whichever of the phone, the register and the sweeper
 * writes first decides, and the others find it answered. Its time splits the phone
 * from the sweeper: the phone answers before `expiresAt`, the sweeper expires at or
 * after it.
 */
export const CONFIRMATION_MOVES = new StatusTable({
  noun: "confirmation request",
  table: "confirmation_requests",
  statuses: CONFIRMATION_STATUSES,
  status: { column: "answer", values: { PENDING: null, APPROVED: "APPROVED", REJECTED: "REJECTED", EXPIRED: "EXPIRED", CANCELLED: "CANCELLED" } },
  moves: {
    // The customer said yes on the phone, in time: the institution is asked next.
    approve: { from: ["PENDING"], to: ["APPROVED"], also: ({ now }) => sql("expiresAt > ?", now), set: answeredAt } as Move<ConfirmationStatus, At>,
    // The customer said no on the phone, in time: nothing is charged.
    reject: { from: ["PENDING"], to: ["REJECTED"], also: ({ now }) => sql("expiresAt > ?", now), set: answeredAt } as Move<ConfirmationStatus, At>,
    // Nobody answered in time (the sweeper, or a late answer that finds it due).
    expire: { from: ["PENDING"], to: ["EXPIRED"], also: ({ now }) => sql("expiresAt <= ?", now), set: answeredAt } as Move<ConfirmationStatus, At>,
    // The register voided the sale before the phone answered; at any time, since the clerk stands there.
    cancel: { from: ["PENDING"], to: ["CANCELLED"], set: answeredAt } as Move<ConfirmationStatus, At>,
  },
});
