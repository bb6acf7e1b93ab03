import { ErrorCode, WalletError } from "./errors";

/**
 * Payment statuses and the moves between them. PROCESSING is ours, beyond the
 * contract's list: the code is claimed and the institution is being asked. A payment
 * found in PROCESSING after a crash is reversed by recovery (payment.service.ts).
 */
export const PAYMENT_STATUSES = [
  "PROCESSING",
  "PENDING_CONFIRMATION",
  "APPROVED",
  "DECLINED",
  "REJECTED_BY_CUSTOMER",
  "EXPIRED",
  "VOIDED",
  "REFUNDED",
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  // VOIDED: the register cancelled the sale before the phone answered; nothing was charged.
  PENDING_CONFIRMATION: ["PROCESSING", "REJECTED_BY_CUSTOMER", "EXPIRED", "VOIDED"],
  PROCESSING: ["APPROVED", "DECLINED"],
  APPROVED: ["VOIDED", "REFUNDED"],
  DECLINED: [],
  REJECTED_BY_CUSTOMER: [],
  EXPIRED: [],
  VOIDED: [],
  REFUNDED: [],
};

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean =>
  TRANSITIONS[from].includes(to);

export const isTerminal = (status: PaymentStatus): boolean => TRANSITIONS[status].length === 0;

/** Throws a BAD_USER_INPUT naming the illegal move (e.g. refunding a declined payment). */
export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) {
    throw new WalletError(ErrorCode.BAD_USER_INPUT, `A ${from} payment cannot become ${to}`, {
      status: from,
    });
  }
}

/**
 * Bill statuses. OPEN, PAID and CANCELLED are stored; OVERDUE is not: it is an OPEN
 * bill past its due date, and is read as such everywhere (lists, filters, lookups).
 */
export const BILL_STATUSES = ["OPEN", "PAID", "CANCELLED", "OVERDUE"] as const;

export type BillStatus = (typeof BILL_STATUSES)[number];
export type StoredBillStatus = Exclude<BillStatus, "OVERDUE">;
