import { ErrorCode, WalletError } from "../../src/services/kernel/errors";
import { CONFIRMATION_MOVES } from "../../src/services/payments/confirmation-states";
import { BILL_MOVES } from "../../src/services/bills/bill-states";
import { PAYMENT_MOVES } from "../../src/services/payments/payment-states";
import { OUTBOX_MOVES, outboxDue } from "../../src/services/delivery/outbox-states";
import { POINT_SETTLEMENT_MOVES } from "../../src/services/points/point-settlement-states";
import { StatusTable, byId, sql, type Move } from "../../src/services/kernel/status-table";
import { TICKET_MOVES } from "../../src/services/tickets/ticket-states";
import { OFFER_MOVES } from "../../src/services/tickets/offer-states";
import { PAYMENT_LEGAL_MOVES, PAYMENT_TERMINAL, thrown } from "../support/expected-moves";

/** Every pair of statuses. */
const pairs = <S extends string>(statuses: readonly S[]) => statuses.flatMap((from) => statuses.map((to) => [from, to] as [S, S]));

interface Case {
  name: string;
  table: StatusTable<string, never, Record<string, Move<string, never>>>;
  /** Written out here, not read from the tables: each table must say exactly this. */
  legal: string[];
  terminal: string[];
  /** The words of a refusal, where the domain has its own (a bill's BILL_NOT_PAYABLE); by default BAD_USER_INPUT naming the move. */
  refusal?: { code: ErrorCode; message: (from: string, to: string) => string };
}

/** A bill's refusals, in today's words: the status a reader sees, and what was asked. */
const billRefusal = (from: string, to: string) => {
  const status = from === "HELD" ? "being paid by card" : from.toLowerCase();
  if (to === "CANCELLED") return from === "HELD" ? "This bill is being paid by card and cannot be cancelled" : `This bill has been ${status} and cannot be cancelled`;
  if (to === "OPEN" || to === "OVERDUE") return `This bill is ${status}, not paid: there is no collection to reverse`;
  return `This bill is ${status}`;
};

const cases: Case[] = [
  {
    name: "bill",
    table: BILL_MOVES as never,
    legal: [
      "OPEN -> PAID",
      "OPEN -> HELD",
      "OPEN -> CANCELLED",
      "OVERDUE -> CANCELLED",
      "HELD -> PAID",
      "HELD -> OPEN",
      "HELD -> OVERDUE",
      "PAID -> OPEN",
      "PAID -> OVERDUE",
    ],
    terminal: ["CANCELLED"],
    refusal: { code: ErrorCode.BILL_NOT_PAYABLE, message: billRefusal },
  },
  {
    name: "payment",
    table: PAYMENT_MOVES as never,
    legal: PAYMENT_LEGAL_MOVES,
    terminal: [...PAYMENT_TERMINAL],
  },
  { name: "point settlement", table: POINT_SETTLEMENT_MOVES as never, legal: ["HELD -> SETTLED", "HELD -> RELEASED"], terminal: ["SETTLED", "RELEASED"] },
  {
    name: "confirmation request",
    table: CONFIRMATION_MOVES as never,
    legal: ["PENDING -> APPROVED", "PENDING -> REJECTED", "PENDING -> EXPIRED", "PENDING -> CANCELLED"],
    terminal: ["APPROVED", "REJECTED", "EXPIRED", "CANCELLED"],
  },
  {
    name: "outbox message",
    table: OUTBOX_MOVES as never,
    legal: ["PENDING -> LEASED", "PENDING -> DELIVERED", "LEASED -> DELIVERED", "DEAD -> DELIVERED", "PENDING -> PENDING", "LEASED -> PENDING", "PENDING -> DEAD", "LEASED -> DEAD", "DEAD -> PENDING"],
    terminal: ["DELIVERED"],
  },
  {
    name: "ticket",
    table: TICKET_MOVES as never,
    legal: ["USABLE -> USABLE", "USABLE -> USED_UP", "USABLE -> REVOKED", "USED_UP -> USED_UP", "USED_UP -> USABLE", "USED_UP -> REVOKED"],
    terminal: ["REVOKED"],
  },
  {
    name: "ticket offer",
    table: OFFER_MOVES as never,
    legal: ["OFFERED -> ACCEPTED", "OFFERED -> DECLINED", "OFFERED -> CANCELLED", "OFFERED -> EXPIRED"],
    terminal: ["ACCEPTED", "DECLINED", "CANCELLED", "EXPIRED"],
  },
];

describe.each(cases)("the $name table", ({ name, table, legal, terminal, refusal }) => {
  const code = refusal?.code ?? ErrorCode.BAD_USER_INPUT;
  const all = pairs(table.statuses);
  const allowed = all.filter(([from, to]) => legal.includes(`${from} -> ${to}`));
  const refused = all.filter(([from, to]) => !legal.includes(`${from} -> ${to}`));

  it("names only its own statuses in the expected moves", () => {
    for (const move of legal) for (const status of move.split(" -> ")) expect(table.statuses).toContain(status);
  });

  it.each(allowed)("allows %s -> %s", (from, to) => {
    expect(table.canMove(from, to)).toBe(true);
    expect(() => table.assertMove(from, to)).not.toThrow();
  });

  it.each(refused)("refuses %s -> %s with a typed error naming the move", (from, to) => {
    expect(table.canMove(from, to)).toBe(false);
    const error = thrown(() => table.assertMove(from, to));
    expect(error).toBeInstanceOf(WalletError);
    const message = refusal ? refusal.message(from, to) : `A ${from} ${name} cannot become ${to}`;
    expect(error).toMatchObject({ code, message, details: { status: from } });
  });

  it("knows the terminal statuses: those no move leaves", () => {
    expect(table.statuses.filter((s) => table.isTerminal(s))).toEqual(terminal);
  });

  it.each(Object.keys(table.spec.moves))("makes move %s's UPDATE refuse a from-status the move does not leave", (move) => {
    const leaves = table.spec.moves[move].from;
    for (const status of table.statuses.filter((s) => !leaves.includes(s))) {
      expect(thrown(() => table.update(move, byId("x"), {} as never, status))).toMatchObject({ code, details: { status } });
    }
  });
});

describe("a table whose domain refuses with its own code", () => {
  const table = new StatusTable({
    noun: "bill",
    table: "bills",
    statuses: ["OPEN", "PAID"] as const,
    status: { column: "status", values: { OPEN: "OPEN", PAID: "PAID" } },
    moves: { pay: { from: ["OPEN"], to: ["PAID"] } as Move<"OPEN" | "PAID", object> },
    refuse: (from) => new WalletError(ErrorCode.BILL_NOT_PAYABLE, `This bill is ${from.toLowerCase()}`, { status: from }),
  });

  it("answers an illegal move, asked or made into an UPDATE, with that error", () => {
    expect(thrown(() => table.assertMove("PAID", "PAID"))).toMatchObject({ code: ErrorCode.BILL_NOT_PAYABLE, message: "This bill is paid" });
    expect(thrown(() => table.update("pay", byId("b1"), {}, "PAID"))).toMatchObject({ code: ErrorCode.BILL_NOT_PAYABLE, message: "This bill is paid" });
    expect(table.update("pay", byId("b1"), {}, "OPEN")).toEqual({ sql: "UPDATE bills SET status = ? WHERE id = ? AND status IN (?)", params: ["PAID", "b1", "OPEN"] });
  });
});

describe("the conditional UPDATE made from a table", () => {
  const now = new Date("2026-01-01T00:00:00Z");

  it("writes a stored status first and repeats the from-status, NULL included, then the move's conditions", () => {
    expect(POINT_SETTLEMENT_MOVES.update("settle", byId("s1"), {})).toEqual({
      sql: "UPDATE point_settlements SET state = ? WHERE id = ? AND state IN (?)",
      params: ["SETTLED", "s1", "HELD"],
    });
    expect(CONFIRMATION_MOVES.update("expire", byId("c1"), { now })).toEqual({
      sql: "UPDATE confirmation_requests SET answer = ?, answeredAt = ? WHERE id = ? AND answer IS NULL AND expiresAt <= ?",
      params: ["EXPIRED", now, "c1", now],
    });
    expect(CONFIRMATION_MOVES.update("cancel", sql("paymentId = ?", "p1"), { now })).toEqual({
      sql: "UPDATE confirmation_requests SET answer = ?, answeredAt = ? WHERE paymentId = ? AND answer IS NULL",
      params: ["CANCELLED", now, "p1"],
    });
  });

  it("makes a payment's decision from the status it leaves, with only the decision's columns", () => {
    const deadline = new Date("2026-01-01T00:00:30Z");
    expect(PAYMENT_MOVES.update("process", byId("p1"), { fields: {}, processingDeadline: deadline }, "PENDING_CONFIRMATION")).toEqual({
      sql: "UPDATE payments SET status = ?, processingDeadline = ? WHERE id = ? AND status IN (?)",
      params: ["PROCESSING", deadline, "p1", "PENDING_CONFIRMATION"],
    });
    expect(PAYMENT_MOVES.update("void", byId("p1"), { fields: { decidedAt: now } }, "APPROVED")).toEqual({
      sql: "UPDATE payments SET status = ?, decidedAt = ? WHERE id = ? AND status IN (?)",
      params: ["VOIDED", now, "p1", "APPROVED"],
    });
    expect(() => PAYMENT_MOVES.update("approve", byId("p1"), { fields: { amount: 1 } as never })).toThrow("a payment status move cannot set amount");
  });

  it("captures an authorization for at most its amount, which becomes the captured amount; releases only from AUTHORIZED", () => {
    expect(PAYMENT_MOVES.update("capture", byId("p1"), { amount: 700, at: now })).toEqual({
      sql: "UPDATE payments SET status = ?, amount = ?, capturedAt = ? WHERE id = ? AND status IN (?) AND ? <= amount",
      params: ["APPROVED", 700, now, "p1", "AUTHORIZED", 700],
    });
    expect(PAYMENT_MOVES.update("release", byId("p1"), { fields: {} }, "AUTHORIZED")).toEqual({
      sql: "UPDATE payments SET status = ? WHERE id = ? AND status IN (?)",
      params: ["RELEASED", "p1", "AUTHORIZED"],
    });
    expect(PAYMENT_MOVES.update("authorize", byId("p1"), { fields: { approvalNumber: "A1B2C3", decidedAt: now } }, "PROCESSING")).toEqual({
      sql: "UPDATE payments SET status = ?, approvalNumber = ?, decidedAt = ? WHERE id = ? AND status IN (?)",
      params: ["AUTHORIZED", "A1B2C3", now, "p1", "PROCESSING"],
    });
  });

  it("sets a refund's status first, from the total before it, and keeps the total within the amount", () => {
    expect(PAYMENT_MOVES.update("refund", byId("p1"), { amount: 250 })).toEqual({
      sql:
        "UPDATE payments SET status = CASE WHEN refundedAmount + ? = amount THEN ? ELSE ? END, refundedAmount = refundedAmount + ? " +
        "WHERE id = ? AND status IN (?, ?) AND refundedAmount + ? <= amount",
      params: [250, "REFUNDED", "PARTIALLY_REFUNDED", 250, "p1", "APPROVED", "PARTIALLY_REFUNDED", 250],
    });
  });

  it("takes a bill in cash or for a card payment only while it is OPEN: not yet due, held by no payment", () => {
    const store = { paidAt: now, paidAtStoreId: "s1", paidAtStoreName: "FamilyMart Meguro" };
    expect(BILL_MOVES.update("collect", byId("b1"), { now, ...store })).toEqual({
      sql: "UPDATE bills SET status = ?, paidAt = ?, paidAtStoreId = ?, paidAtStoreName = ?, tender = ? WHERE id = ? AND status = 'OPEN' AND paymentId IS NULL AND dueDate > ?",
      params: ["PAID", now, "s1", "FamilyMart Meguro", "CASH", "b1", now],
    });
    expect(BILL_MOVES.update("hold", byId("b1"), { now, paymentId: "p1" })).toEqual({
      sql: "UPDATE bills SET paymentId = ? WHERE id = ? AND status = 'OPEN' AND paymentId IS NULL AND dueDate > ?",
      params: ["p1", "b1", now],
    });
    expect(BILL_MOVES.update("settle", byId("b1"), { now, paymentId: "p1", ...store })).toEqual({
      sql: "UPDATE bills SET status = ?, paidAt = ?, paidAtStoreId = ?, paidAtStoreName = ?, tender = ? WHERE id = ? AND status = 'OPEN' AND paymentId IS NOT NULL AND paymentId = ?",
      params: ["PAID", now, "s1", "FamilyMart Meguro", "CARD", "b1", "p1"],
    });
    // Due or not, a bill no payment holds may be withdrawn.
    expect(BILL_MOVES.update("cancel", byId("b1"), { now }).sql).toBe(
      "UPDATE bills SET status = ? WHERE id = ? AND ((status = 'OPEN' AND paymentId IS NULL AND dueDate > ?) OR (status = 'OPEN' AND paymentId IS NULL AND dueDate <= ?))",
    );
  });

  it("matches derived statuses by their conditions, each in parentheses when a move leaves several", () => {
    const delivered = OUTBOX_MOVES.update("deliver", byId("m1"), { now });
    expect(delivered.sql).toBe(
      "UPDATE outbox_messages SET deliveredAt = ?, lockedUntil = NULL WHERE id = ? AND " +
        "((deliveredAt IS NULL AND deadAt IS NULL AND (lockedUntil IS NULL OR lockedUntil < ?)) OR (deliveredAt IS NULL AND deadAt IS NULL AND lockedUntil >= ?) OR (deliveredAt IS NULL AND deadAt IS NOT NULL))",
    );
    expect(delivered.params).toEqual([now, "m1", now, now]);
  });

  it("gives the outbox's due rule once, for the pick and the lease alike", () => {
    const due = outboxDue(now);
    expect(due).toEqual({ sql: "(deliveredAt IS NULL AND deadAt IS NULL AND (lockedUntil IS NULL OR lockedUntil < ?)) AND nextAttemptAt <= ?", params: [now, now] });
    const lease = OUTBOX_MOVES.update("lease", byId("m1"), { now, leaseId: "L", lockedUntil: now });
    expect(lease.sql.endsWith(`WHERE id = ? AND ${due.sql}`)).toBe(true);
  });

  it("takes a ticket's use only from USABLE, for the code's holder, outside a pass's interval", () => {
    const at = new Date("2026-01-01T10:00:00Z");
    const use = TICKET_MOVES.update("use", byId("t1"), { at, now, version: 3, spacingMs: 60_000 });
    expect(use.sql).toContain("WHERE id = ? AND revokedAt IS NULL AND usesLeft > 0 AND (holderVersion = ? AND (? = 0 OR lastUsedAt IS NULL OR lastUsedAt <= ? OR lastUsedAt >= ?))");
    expect(use.params).toEqual([at, at, at, now, at, at, "t1", 3, 60_000, new Date(at.getTime() - 60_000), new Date(at.getTime() + 60_000)]);
  });
});
