import { ErrorCode, WalletError } from "./errors";

/**
 * The statuses that move, and every move that exists, one table each. The database
 * still decides races (each move is a conditional UPDATE from the status it leaves);
 * these tables say which moves there are, and the code asks them before it tries one,
 * so an illegal move is a typed error rather than an UPDATE that changes nothing.
 */

/**
 * Payment statuses. PROCESSING is ours, beyond the contract's list: the code is claimed
 * and the institution is being asked. A payment found in PROCESSING after a crash is
 * reversed by recovery (payment-decisions.ts).
 */
export const PAYMENT_STATUSES = [
  "PROCESSING",
  "PENDING_CONFIRMATION",
  "APPROVED",
  "DECLINED",
  "REJECTED_BY_CUSTOMER",
  "EXPIRED",
  "VOIDED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const PAYMENT_MOVES: Record<PaymentStatus, readonly PaymentStatus[]> = {
  // VOIDED: the register cancelled the sale before the phone answered; nothing was charged.
  PENDING_CONFIRMATION: ["PROCESSING", "REJECTED_BY_CUSTOMER", "EXPIRED", "VOIDED"],
  PROCESSING: ["APPROVED", "DECLINED"],
  // A refund of part of the amount, then more parts, until all is refunded; a void only before any refund.
  APPROVED: ["VOIDED", "PARTIALLY_REFUNDED", "REFUNDED"],
  DECLINED: [],
  REJECTED_BY_CUSTOMER: [],
  EXPIRED: [],
  VOIDED: [],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  REFUNDED: [],
};

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_MOVES[from].includes(to);

export const isTerminal = (status: PaymentStatus): boolean => PAYMENT_MOVES[status].length === 0;

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

/** From the status a reader sees (OVERDUE included) to the stored statuses it may become. */
const BILL_MOVES: Record<BillStatus, readonly StoredBillStatus[]> = {
  // PAID: a clerk collected it (collectBill); CANCELLED: its biller withdrew it (cancelBill).
  OPEN: ["PAID", "CANCELLED"],
  // Past its due date a bill can no longer be paid, but its biller may still withdraw it.
  OVERDUE: ["CANCELLED"],
  // OPEN again: the store that collected it reversed a mistaken collection that same day.
  PAID: ["OPEN"],
  CANCELLED: [],
};

export const canBillMove = (from: BillStatus, to: StoredBillStatus): boolean => BILL_MOVES[from].includes(to);

export const isBillTerminal = (status: BillStatus): boolean => BILL_MOVES[status].length === 0;

/**
 * Throws BILL_NOT_PAYABLE for an illegal move: paying a bill that is not OPEN ("This
 * bill is overdue"), cancelling a paid one.
 */
export function assertBillMove(from: BillStatus, to: StoredBillStatus): void {
  if (canBillMove(from, to)) return;
  const message =
    to === "CANCELLED"
      ? `This bill has been ${from.toLowerCase()} and cannot be cancelled`
      : to === "OPEN"
        ? `This bill is ${from.toLowerCase()}, not paid: there is no collection to reverse`
        : `This bill is ${from.toLowerCase()}`;
  throw new WalletError(ErrorCode.BILL_NOT_PAYABLE, message, { status: from });
}
