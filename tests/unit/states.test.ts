import { ErrorCode, WalletError } from "../../src/services/kernel/errors";
import { BILL_STATUSES, PAYMENT_STATUSES, type BillStatus, type StoredBillStatus } from "../../src/entities/value-lists";
import { assertBillMove, canBillMove, isBillTerminal } from "../../src/services/bills/bill-states";
import { assertTransition, canTransition, isTerminal } from "../../src/services/payments/payment-states";
import { PAYMENT_LEGAL_MOVES, PAYMENT_TERMINAL, thrown } from "../support/expected-moves";

/** Every pair of statuses, as "FROM -> TO". */
const pairs = <F extends string, T extends string>(froms: readonly F[], tos: readonly T[]) =>
  froms.flatMap((from) => tos.map((to) => [from, to] as [F, T]));

describe("payment status moves", () => {
  const legal = new Set(PAYMENT_LEGAL_MOVES);
  const all = pairs(PAYMENT_STATUSES, PAYMENT_STATUSES);

  it.each(all.filter(([from, to]) => legal.has(`${from} -> ${to}`)))("allows %s -> %s", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(all.filter(([from, to]) => !legal.has(`${from} -> ${to}`)))("refuses %s -> %s with BAD_USER_INPUT naming the move", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    const error = thrown(() => assertTransition(from, to));
    expect(error).toBeInstanceOf(WalletError);
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, message: `A ${from} payment cannot become ${to}`, details: { status: from } });
  });

  it("knows the terminal statuses: those no move leaves", () => {
    expect(PAYMENT_STATUSES.filter(isTerminal)).toEqual([...PAYMENT_TERMINAL]);
  });
});

describe("bill status moves", () => {
  const stored: StoredBillStatus[] = ["OPEN", "PAID", "CANCELLED"];
  const legal = new Set(["OPEN -> PAID", "OPEN -> CANCELLED", "OVERDUE -> CANCELLED", "PAID -> OPEN"]);
  const all = pairs(BILL_STATUSES, stored);

  it("moves only into stored statuses: OVERDUE is read, never written", () => {
    expect(BILL_STATUSES.filter((status) => !(stored as string[]).includes(status))).toEqual(["OVERDUE"]);
  });

  it.each(all.filter(([from, to]) => legal.has(`${from} -> ${to}`)))("allows %s -> %s", (from, to) => {
    expect(canBillMove(from, to)).toBe(true);
    expect(() => assertBillMove(from, to)).not.toThrow();
  });

  it.each(all.filter(([from, to]) => !legal.has(`${from} -> ${to}`)))("refuses %s -> %s with BILL_NOT_PAYABLE", (from, to) => {
    expect(canBillMove(from, to)).toBe(false);
    const error = thrown(() => assertBillMove(from, to));
    expect(error).toBeInstanceOf(WalletError);
    expect(error).toMatchObject({ code: ErrorCode.BILL_NOT_PAYABLE, details: { status: from } });
  });

  it("says why a bill cannot be paid or cancelled, as collectBill and cancelBill answer", () => {
    expect(thrown(() => assertBillMove("OVERDUE", "PAID"))).toMatchObject({ message: "This bill is overdue" });
    expect(thrown(() => assertBillMove("CANCELLED", "PAID"))).toMatchObject({ message: "This bill is cancelled" });
    expect(thrown(() => assertBillMove("PAID", "CANCELLED"))).toMatchObject({ message: "This bill has been paid and cannot be cancelled" });
    expect(thrown(() => assertBillMove("CANCELLED", "OPEN"))).toMatchObject({
      message: "This bill is cancelled, not paid: there is no collection to reverse",
    });
  });

  it("knows the terminal statuses", () => {
    // A paid bill may still be reopened by a same-day reversal of its collection.
    const terminal: BillStatus[] = ["CANCELLED"];
    expect(BILL_STATUSES.filter(isBillTerminal)).toEqual(terminal);
  });
});
