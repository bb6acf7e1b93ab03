/**
 * How much history the seeder writes. "year" is the mid-size operator; "ci" is a
 * hundredth of it, enough rows that MySQL prefers an index, written in seconds. A number
 * is a share of "year" (0.1 is a tenth), for measuring rows/s at a medium size.
 */
export type SeedSize = "year" | "ci" | number;

export interface SeedSizes {
  customers: number;
  /** Cards per customer (two: each customer's own and one more). */
  cardsPerCustomer: number;
  payments: number;
  /** The busiest store's share of the payments. */
  busiestShare: number;
  /** Other stores; the busiest is the actors'. */
  stores: number;
  /** Other partners; the actors' partner posts the largest share of bills and owns the program. */
  partners: number;
  /** Customers in the actors' program. */
  members: number;
  pointMovements: number;
  bills: number;
  /** The actors' partner's share of the bills. */
  partnerShare: number;
  /** Events besides the actors' big event. */
  events: number;
  /** Tickets of the actors' event (gateSnapshot's size). */
  bigEventTickets: number;
  /** Tickets of every other event together. */
  otherTickets: number;
  admissions: number;
}

const YEAR: SeedSizes = {
  customers: 200_000,
  cardsPerCustomer: 2,
  payments: 5_000_000,
  busiestShare: 0.3,
  stores: 40,
  partners: 10,
  members: 100_000,
  pointMovements: 1_000_000,
  bills: 500_000,
  partnerShare: 0.6,
  events: 499,
  bigEventTickets: 50_000,
  otherTickets: 150_000,
  admissions: 2_000_000,
};

export function seedSizes(size: SeedSize): SeedSizes {
  const factor = size === "year" ? 1 : size === "ci" ? 0.01 : size;
  if (!(factor > 0 && factor <= 1)) throw new Error(`seed size must be "year", "ci" or a share in (0, 1], not ${size}`);
  const n = (count: number, least: number) => Math.max(least, Math.round(count * factor));
  return {
    ...YEAR,
    customers: n(YEAR.customers, 200),
    payments: n(YEAR.payments, 1_000),
    members: n(YEAR.members, 100),
    pointMovements: n(YEAR.pointMovements, 200),
    bills: n(YEAR.bills, 200),
    // Fewer events at small sizes, so each still has tens of tickets.
    events: Math.max(10, Math.round(YEAR.events * Math.sqrt(factor))),
    // From a tenth of a year up the actors' event keeps its 50,000 tickets: gateSnapshot's
    // size is the whole event, not a share.
    bigEventTickets: factor >= 0.1 ? YEAR.bigEventTickets : n(YEAR.bigEventTickets, 100),
    otherTickets: n(YEAR.otherTickets, 200),
    admissions: n(YEAR.admissions, 1_000),
  };
}
