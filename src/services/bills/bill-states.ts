import type { BillStatus, StoredBillStatus } from "../../entities/value-lists";
import { ErrorCode, WalletError } from "../kernel/errors";
import { StatusTable, sql, type Move, type Sql } from "../kernel/status-table";

/**
 * A bill's statuses and every move between them, as a status table (kernel/status-table.ts;
 * docs/status-tables.md). Each move's conditional UPDATE is made from the table and repeats
 * the status it leaves, so the database decides races.
 */

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

/** Before its due date, and from it on: what tells OPEN from OVERDUE, for the moves and for readers. */
const beforeDue = ({ now }: BillMoment) => sql("dueDate > ?", now);
const fromDue = ({ now }: BillMoment) => sql("dueDate <= ?", now);
const and = (a: Sql, b: Sql) => sql(`${a.sql} AND ${b.sql}`, ...a.params, ...b.params);
const STORED_OPEN = sql("status = 'OPEN'");

export const BILL_MOVES = new StatusTable({
  noun: "bill",
  table: "bills",
  statuses: BILL_ROW_STATUSES,
  status: {
    derived: {
      OPEN: (moment: BillMoment) => and(and(STORED_OPEN, sql("paymentId IS NULL")), beforeDue(moment)),
      OVERDUE: (moment: BillMoment) => and(and(STORED_OPEN, sql("paymentId IS NULL")), fromDue(moment)),
      HELD: () => and(STORED_OPEN, sql("paymentId IS NOT NULL")),
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

/**
 * How readers see a bill's status (lists, filters, lookups): a HELD bill is the payments'
 * business and shows as OPEN or OVERDUE by its due date, like any unpaid bill. Each is the
 * table's own conditions, the hold left out.
 */
export const BILL_SHOWN_AS: Record<BillStatus, (moment: BillMoment) => Sql> = {
  OPEN: (moment) => and(STORED_OPEN, beforeDue(moment)),
  OVERDUE: (moment) => and(STORED_OPEN, fromDue(moment)),
  PAID: (moment) => BILL_MOVES.whereStatus(["PAID"], moment),
  CANCELLED: (moment) => BILL_MOVES.whereStatus(["CANCELLED"], moment),
};
