import type { PointSettlementState } from "../../entities/point-settlement.entity";
import { StatusTable, type Move } from "../kernel/status-table";

export const POINT_SETTLEMENT_STATES = ["HELD", "SETTLED", "RELEASED"] as const satisfies readonly PointSettlementState[];

/**
 * A settlement of points with a card payment. A settlePoints is SETTLED from its insert
 * and never moves; one with a card payment is HELD until the payment is decided, and
 * leaves HELD once, by the transaction that decides the payment.
 */
export const POINT_SETTLEMENT_MOVES = new StatusTable({
  noun: "point settlement",
  table: "point_settlements",
  statuses: POINT_SETTLEMENT_STATES,
  status: { column: "state", values: { HELD: "HELD", SETTLED: "SETTLED", RELEASED: "RELEASED" } },
  moves: {
    // The card was charged: the held points are redeemed and the earning is made.
    settle: { from: ["HELD"], to: ["SETTLED"] } as Move<PointSettlementState, object>,
    // The card was not charged (declined, rejected, expired, voided, reversed): the points go back to their lots.
    release: { from: ["HELD"], to: ["RELEASED"] } as Move<PointSettlementState, object>,
  },
});
