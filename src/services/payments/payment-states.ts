import { PAYMENT_STATUSES, type PaymentStatus } from "../../entities/value-lists";
import { StatusTable, sql, type Move, type Sql } from "../kernel/status-table";

/**
 * A payment's statuses and every move that exists, as a status table
 * (kernel/status-table.ts; docs/status-tables.md). The database still decides races: each move's
 * conditional UPDATE is made from its table and repeats the status it leaves; the code
 * asks the table before it tries one, so an illegal move is a typed error rather than
 * an UPDATE that changes nothing.
 */

/** What a payment's decision may write besides its status: column names go into the SQL text, so only these. */
export const DECISION_COLUMNS = ["approvalNumber", "declineReason", "decidedAt", "processingDeadline"] as const;

export type DecisionFields = Partial<Record<(typeof DECISION_COLUMNS)[number], unknown>>;

/** A decision's move: what it writes besides the status, and for PROCESSING the moment its answer is due. */
export interface PaymentDecision {
  fields: DecisionFields;
  processingDeadline?: Date;
}

/** A capture's move: the amount taken of the authorization (never above it), and when. */
export interface PaymentCapture {
  amount: number;
  at: Date;
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
    // Capture later: the institution approved a hold of the amount; nothing is a sale yet.
    authorize: decision(["PROCESSING"], "AUTHORIZED"),
    // The sale is made for `amount` of the authorization (at most all of it): from here on
    // the payment's amount is what was captured, so refunds and the books follow it.
    capture: {
      from: ["AUTHORIZED"],
      to: ["APPROVED"],
      also: ({ amount }: PaymentCapture) => sql("? <= amount", amount),
      set: ({ amount, at }: PaymentCapture) => [sql("amount = ?", amount), sql("capturedAt = ?", at)],
    } as Move<PaymentStatus, PaymentCapture>,
    // The authorization is let go (by the register, a void, or the sweep after AUTHORIZATION_DAYS): nothing was charged.
    release: decision(["AUTHORIZED"], "RELEASED"),
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

/** The moves that take their own arguments rather than a decision's fields. */
type OwnArgumentMoves = "refund" | "capture";
const OWN_ARGUMENTS: readonly string[] = ["refund", "capture"] satisfies OwnArgumentMoves[];

/** The decision move that takes a payment from `from` to the one status `to`; the typed error when there is none. */
export function paymentMove(from: PaymentStatus, to: PaymentStatus): Exclude<keyof typeof PAYMENT_MOVES.spec.moves, OwnArgumentMoves> {
  const found = Object.entries(PAYMENT_MOVES.spec.moves).find(
    ([name, move]) => !OWN_ARGUMENTS.includes(name) && move.to.length === 1 && move.from.includes(from) && move.to[0] === to,
  );
  if (!found) throw PAYMENT_MOVES.refusal(from, to);
  return found[0] as Exclude<keyof typeof PAYMENT_MOVES.spec.moves, OwnArgumentMoves>;
}

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_MOVES.canMove(from, to);

export const isTerminal = (status: PaymentStatus): boolean => PAYMENT_MOVES.isTerminal(status);

/** Throws a BAD_USER_INPUT naming the illegal move (e.g. refunding a declined payment). */
export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  PAYMENT_MOVES.assertMove(from, to);
}

