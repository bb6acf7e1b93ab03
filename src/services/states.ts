import { ErrorCode, WalletError } from "./errors";
import { StatusTable, sql, type Move, type Sql } from "./status-table";

/**
 * Payment and bill statuses, and every move that exists, as status tables
 * (status-table.ts; docs/status-tables.md). The database still decides races: each move's
 * conditional UPDATE is made from its table and repeats the status it leaves; the code
 * asks the table before it tries one, so an illegal move is a typed error rather than
 * an UPDATE that changes nothing.
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

/** What a payment's decision may write besides its status: column names go into the SQL text, so only these. */
export const DECISION_COLUMNS = ["approvalNumber", "declineReason", "decidedAt", "processingDeadline"] as const;

export type DecisionFields = Partial<Record<(typeof DECISION_COLUMNS)[number], unknown>>;

/** A decision's move: what it writes besides the status, and for PROCESSING the moment its answer is due. */
export interface PaymentDecision {
  fields: DecisionFields;
  processingDeadline?: Date;
}

/** A refund's move: the amount it adds to the refunded total. */
export interface PaymentRefund {
  amount: number;
}

function decisionSets({ fields }: PaymentDecision): Sql[] {
  return Object.entries(fields).map(([column, value]) => {
    if (!(DECISION_COLUMNS as readonly string[]).includes(column)) throw new Error(`a payment status move cannot set ${column}`);
    return sql(`${column} = ?`, value);
  });
}

const decision = (from: PaymentStatus[], to: PaymentStatus): Move<PaymentStatus, PaymentDecision> => ({ from, to: [to], set: decisionSets });

export const PAYMENT_MOVES = new StatusTable({
  noun: "payment",
  table: "payments",
  statuses: PAYMENT_STATUSES,
  status: { column: "status", values: Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, s])) as Record<PaymentStatus, string> },
  moves: {
    // The phone approved (or the code was redeemed): the institution is asked, and must answer before the deadline.
    process: {
      from: ["PENDING_CONFIRMATION"],
      to: ["PROCESSING"],
      set: (args: PaymentDecision) => [...decisionSets({ fields: { ...args.fields, processingDeadline: args.processingDeadline } })],
    } as Move<PaymentStatus, PaymentDecision>,
    reject: decision(["PENDING_CONFIRMATION"], "REJECTED_BY_CUSTOMER"),
    expire: decision(["PENDING_CONFIRMATION"], "EXPIRED"),
    approve: decision(["PROCESSING"], "APPROVED"),
    decline: decision(["PROCESSING"], "DECLINED"),
    // The register cancelled the sale: before the phone answered (nothing was charged), or a same-day void before any refund.
    void: decision(["PENDING_CONFIRMATION", "APPROVED"], "VOIDED"),
    // A refund of part of the amount, then more parts, until all is refunded. The status
    // is set first, from the total before this refund, because MySQL evaluates a
    // single-table UPDATE's assignments left to right (SQLite evaluates them all on the
    // row as it was); both then read the same values. The total never passes the amount.
    refund: {
      from: ["APPROVED", "PARTIALLY_REFUNDED"],
      to: ["PARTIALLY_REFUNDED", "REFUNDED"],
      also: ({ amount }: PaymentRefund) => sql("refundedAmount + ? <= amount", amount),
      set: ({ amount }: PaymentRefund) => [
        sql("status = CASE WHEN refundedAmount + ? = amount THEN ? ELSE ? END", amount, "REFUNDED", "PARTIALLY_REFUNDED"),
        sql("refundedAmount = refundedAmount + ?", amount),
      ],
    } as Move<PaymentStatus, PaymentRefund>,
  },
});

/** The move that takes a payment from `from` to the one status `to`; the typed error when there is none. */
export function paymentMove(from: PaymentStatus, to: PaymentStatus): Exclude<keyof typeof PAYMENT_MOVES.spec.moves, "refund"> {
  const found = Object.entries(PAYMENT_MOVES.spec.moves).find(([, move]) => move.to.length === 1 && move.from.includes(from) && move.to[0] === to);
  if (!found) throw PAYMENT_MOVES.refusal(from, to);
  return found[0] as Exclude<keyof typeof PAYMENT_MOVES.spec.moves, "refund">;
}

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_MOVES.canMove(from, to);

export const isTerminal = (status: PaymentStatus): boolean => PAYMENT_MOVES.isTerminal(status);

/** Throws a BAD_USER_INPUT naming the illegal move (e.g. refunding a declined payment). */
export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  PAYMENT_MOVES.assertMove(from, to);
}

/**
 * Bill statuses. OPEN, PAID and CANCELLED are stored; OVERDUE is not: it is an OPEN
 * bill past its due date, and is read as such everywhere (lists, filters, lookups).
 */
export const BILL_STATUSES = ["OPEN", "PAID", "CANCELLED", "OVERDUE"] as const;

export type BillStatus = (typeof BILL_STATUSES)[number];
export type StoredBillStatus = Exclude<BillStatus, "OVERDUE">;

/**
 * A bill's row as its moves see it. OPEN and OVERDUE are both stored OPEN and told apart
 * by the due date and the moment, so a bill that falls due during a payment is refused by
 * the row itself. HELD is a stored OPEN bill a card payment at a store holds
 * (`paymentId`) while it is decided: no collection may start and its biller may not
 * cancel it; readers see it as OPEN (or OVERDUE).
 */
export const BILL_ROW_STATUSES = ["OPEN", "OVERDUE", "HELD", "PAID", "CANCELLED"] as const;

export type BillRowStatus = (typeof BILL_ROW_STATUSES)[number];

/** The moment a bill's status is read at: OPEN until its due date, OVERDUE from it on. */
export interface BillMoment {
  now: Date;
}

/** Where a bill was paid, and how. */
export interface BillPayment {
  paidAt: Date;
  paidAtStoreId: string;
  paidAtStoreName: string;
}

/** The card payment that holds a bill: its moves take the bill only while this payment names it. */
export interface BillHolder {
  paymentId: string;
}

const paidAt = ({ paidAt: at, paidAtStoreId, paidAtStoreName }: BillPayment, tender: string): Sql[] => [
  sql("status = ?", "PAID"),
  sql("paidAt = ?", at),
  sql("paidAtStoreId = ?", paidAtStoreId),
  sql("paidAtStoreName = ?", paidAtStoreName),
  sql("tender = ?", tender),
];

const UNPAID = [sql("status = ?", "OPEN"), sql("paidAt = NULL"), sql("paidAtStoreId = NULL"), sql("paidAtStoreName = NULL"), sql("tender = NULL")];

const heldBy = ({ paymentId }: BillHolder) => sql("paymentId = ?", paymentId);

export const BILL_MOVES = new StatusTable({
  noun: "bill",
  table: "bills",
  statuses: BILL_ROW_STATUSES,
  status: {
    derived: {
      OPEN: ({ now }: BillMoment) => sql("status = 'OPEN' AND paymentId IS NULL AND dueDate > ?", now),
      OVERDUE: ({ now }: BillMoment) => sql("status = 'OPEN' AND paymentId IS NULL AND dueDate <= ?", now),
      HELD: () => sql("status = 'OPEN' AND paymentId IS NOT NULL"),
      PAID: () => sql("status = 'PAID'"),
      CANCELLED: () => sql("status = 'CANCELLED'"),
    },
  },
  moves: {
    // A clerk collected it in cash (collectBill), before its due date.
    collect: { from: ["OPEN"], to: ["PAID"], set: (args: BillPayment) => paidAt(args, "CASH") } as Move<BillRowStatus, BillPayment>,
    // A card payment at a store starts: it holds the bill until the card is decided.
    hold: { from: ["OPEN"], to: ["HELD"], set: (args: BillHolder) => [sql("paymentId = ?", args.paymentId)] } as Move<BillRowStatus, BillHolder>,
    // The holding payment was approved: the bill is PAID by card (it still names its payment, for a void).
    settle: { from: ["HELD"], to: ["PAID"], also: heldBy, set: (args: BillHolder & BillPayment) => paidAt(args, "CARD") } as Move<BillRowStatus, BillHolder & BillPayment>,
    // The holding payment was not charged: the bill is payable again (OVERDUE if it fell due meanwhile).
    release: { from: ["HELD"], to: ["OPEN", "OVERDUE"], also: heldBy, set: () => [sql("paymentId = NULL")] } as Move<BillRowStatus, BillHolder>,
    // Its biller withdrew it, due or not, unless a card payment holds it.
    cancel: { from: ["OPEN", "OVERDUE"], to: ["CANCELLED"], set: () => [sql("status = ?", "CANCELLED")] } as Move<BillRowStatus, object>,
    // The store that collected it in cash reversed that collection the same day (the caller checks the day).
    reverse: {
      from: ["PAID"],
      to: ["OPEN", "OVERDUE"],
      also: (args: { paidAt: Date; paidAtStoreId: string }) => sql("paidAtStoreId = ? AND paidAt = ?", args.paidAtStoreId, args.paidAt),
      set: () => UNPAID,
    } as Move<BillRowStatus, { paidAt: Date; paidAtStoreId: string }>,
    // The card payment that paid it was voided: the bill is payable again.
    reopen: { from: ["PAID"], to: ["OPEN", "OVERDUE"], also: heldBy, set: () => [...UNPAID, sql("paymentId = NULL")] } as Move<BillRowStatus, BillHolder>,
  },
  refuse: (from, to) => new WalletError(ErrorCode.BILL_NOT_PAYABLE, billRefusal(from, to), { status: from }),
});

/** Today's words for a bill move that does not exist: paying a bill that is not OPEN, cancelling a paid one. */
function billRefusal(from: BillRowStatus, to: BillRowStatus): string {
  const status = from === "HELD" ? "being paid by card" : from.toLowerCase();
  if (to === "CANCELLED") return from === "HELD" ? `This bill is ${status} and cannot be cancelled` : `This bill has been ${status} and cannot be cancelled`;
  if (to === "OPEN" || to === "OVERDUE") return `This bill is ${status}, not paid: there is no collection to reverse`;
  return `This bill is ${status}`;
}

export const canBillMove = (from: BillStatus, to: StoredBillStatus): boolean => BILL_MOVES.canMove(from, to);

export const isBillTerminal = (status: BillStatus): boolean => BILL_MOVES.isTerminal(status);

/**
 * Throws BILL_NOT_PAYABLE for an illegal move: paying a bill that is not OPEN ("This
 * bill is overdue"), cancelling a paid one.
 */
export function assertBillMove(from: BillStatus, to: StoredBillStatus): void {
  BILL_MOVES.assertMove(from, to);
}
