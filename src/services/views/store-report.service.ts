import { StoreEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { requireRegister } from "../kernel/guards";
import { dayInZone } from "../kernel/store-day";
import type { StoreDayKind, StoreDaySums } from "../kernel/store-day-sums.service";

export interface StoreReport {
  date: string;
  currency: string;
  paymentsApproved: number;
  amountApproved: number;
  amountRefunded: number;
  amountVoided: number;
  billsCollected: number;
  cashCollected: number;
  /** Points earned (EARN) and redeemed (REDEEM) at the store's registers. */
  pointsIssued: number;
  pointsRedeemed: number;
  /** A refund's reversals, apart: redeemed points given back (RETURN), earned points taken back (TAKE_BACK). */
  pointsReturned: number;
  pointsTakenBack: number;
}

/**
 * A store's day, in its time zone, from its day sums (kernel/store-day-sums.service.ts), which
 * move with every row they sum: the ledger (a sale approved, a void, each refund, each
 * entered when it happened), the bills it collected (a reversed collection no longer
 * counts, on the day it was collected) and the point movements at its registers, each
 * kind apart (a refund's reversals are neither issued nor redeemed). So the report always
 * equals what the rows say, whatever day a payment was made on: a refund today of
 * yesterday's sale is today's refund.
 */
export class StoreReportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly storeDays: StoreDaySums,
  ) {}

  /** The caller's own store, so a register takes its name, currency and time zone from the server. */
  async store(caller: Caller): Promise<StoreEntity> {
    const register = requireRegister(caller);
    return this.deps.db.read((m) => m.findOneByOrFail(StoreEntity, { id: register.storeId }));
  }

  async report(caller: Caller, date: string): Promise<StoreReport> {
    const store = await this.store(caller);
    // Checks the date as the store's calendar day (BAD_USER_INPUT otherwise).
    dayInZone(date, store.timeZone);
    const sums = await this.storeDays.between(store.id, date, date, REPORT_KINDS);
    // Summed over the card institutions.
    const of = (kind: StoreDayKind) => sums.filter((s) => s.kind === kind).reduce((t, s) => ({ count: t.count + s.count, amount: t.amount + s.amount }), { count: 0, amount: 0 });
    // Every kind as a positive number: voids, refunds, REDEEM and TAKE_BACK are stored negative.
    const back = (kind: StoreDayKind) => Math.abs(of(kind).amount);
    return {
      date,
      currency: store.currency,
      paymentsApproved: of("SALE").count,
      amountApproved: of("SALE").amount,
      amountRefunded: back("REFUND"),
      amountVoided: back("VOID"),
      billsCollected: of("BILL_CASH").count + of("BILL_CARD").count,
      cashCollected: of("BILL_CASH").amount,
      pointsIssued: back("EARN"),
      pointsRedeemed: back("REDEEM"),
      pointsReturned: back("RETURN"),
      pointsTakenBack: back("TAKE_BACK"),
    };
  }
}

/** What the report reads of the day sums. */
const REPORT_KINDS: readonly StoreDayKind[] = ["SALE", "VOID", "REFUND", "BILL_CASH", "BILL_CARD", "EARN", "REDEEM", "RETURN", "TAKE_BACK"];
