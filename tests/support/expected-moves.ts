/**
 * The moves each status table must have, written out here rather than read from the
 * tables, so a change to a table shows as a failing test (tests/unit/states.test.ts tests
 * the payment wrappers the services call, tests/unit/status-tables.test.ts the table).
 */
export const PAYMENT_LEGAL_MOVES = [
  "PENDING_CONFIRMATION -> PROCESSING",
  "PENDING_CONFIRMATION -> REJECTED_BY_CUSTOMER",
  "PENDING_CONFIRMATION -> EXPIRED",
  "PENDING_CONFIRMATION -> VOIDED",
  "PROCESSING -> APPROVED",
  "PROCESSING -> DECLINED",
  "APPROVED -> VOIDED",
  "APPROVED -> PARTIALLY_REFUNDED",
  "APPROVED -> REFUNDED",
  "PARTIALLY_REFUNDED -> PARTIALLY_REFUNDED",
  "PARTIALLY_REFUNDED -> REFUNDED",
  "PROCESSING -> AUTHORIZED",
  "AUTHORIZED -> APPROVED",
  "AUTHORIZED -> RELEASED",
];

export const PAYMENT_TERMINAL = ["DECLINED", "REJECTED_BY_CUSTOMER", "EXPIRED", "VOIDED", "REFUNDED", "RELEASED"] as const;

/** The error `attempt` throws, or undefined. */
export function thrown(attempt: () => void): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  return undefined;
}
