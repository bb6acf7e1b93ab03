import { BillEntity, LedgerEntryEntity, PointMovementEntity, StoreEntity } from "../../entities";
import type { PointMovementKind } from "../../entities/point-movement.entity";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { requireRegister } from "../kernel/guards";
import { dayInZone } from "../kernel/store-day";

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
 * A store's day, in its time zone, summed from its own rows and nothing else: the ledger
 * (a sale approved, a void, each refund, each entered when it happened), the bills it
 * collected (a reversed collection no longer counts) and the point movements at its
 * registers, each kind apart (a refund's reversals are neither issued nor redeemed). So the report always equals what the rows say, whatever day a payment was
 * made on: a refund today of yesterday's sale is today's refund.
 */
export class StoreReportService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The caller's own store, so a register takes its name, currency and time zone from the server. */
  async store(caller: Caller): Promise<StoreEntity> {
    const register = requireRegister(caller);
    return this.deps.db.read((m) => m.findOneByOrFail(StoreEntity, { id: register.storeId }));
  }

  async report(caller: Caller, date: string): Promise<StoreReport> {
    const register = requireRegister(caller);
    const store = await this.deps.db.read((m) => m.findOneByOrFail(StoreEntity, { id: register.storeId }));
    const { from, to } = dayInZone(date, store.timeZone);
    const range = { storeId: store.id, from, to };
    const [ledger, bills, points] = await this.deps.db.read((m) =>
      Promise.all([
        m
          .createQueryBuilder(LedgerEntryEntity, "l")
          .select("l.entryType", "entryType")
          .addSelect("COUNT(*)", "count")
          .addSelect("COALESCE(SUM(l.amount), 0)", "amount")
          .where("l.storeId = :storeId AND l.createdAt >= :from AND l.createdAt < :to", range)
          .groupBy("l.entryType")
          .getRawMany<{ entryType: string; count: string | number; amount: string | number }>(),
        m
          .createQueryBuilder(BillEntity, "b")
          .select("COUNT(*)", "count")
          .addSelect("COALESCE(SUM(CASE WHEN b.tender = 'CASH' THEN b.amount ELSE 0 END), 0)", "cash")
          .where("b.paidAtStoreId = :storeId AND b.paidAt >= :from AND b.paidAt < :to", range)
          .getRawOne<{ count: string | number; cash: string | number }>(),
        m
          .createQueryBuilder(PointMovementEntity, "p")
          .select("p.kind", "kind")
          .addSelect("COALESCE(SUM(p.points), 0)", "points")
          .where("p.storeId = :storeId AND p.createdAt >= :from AND p.createdAt < :to", range)
          .groupBy("p.kind")
          .getRawMany<{ kind: PointMovementKind; points: string | number }>(),
      ]),
    );
    const of = (type: string) => ledger.find((row) => row.entryType === type);
    // Every kind as a positive number: REDEEM and TAKE_BACK are stored negative.
    const pointsOf = (kind: PointMovementKind) => Math.abs(Number(points.find((row) => row.kind === kind)?.points ?? 0));
    return {
      date,
      currency: store.currency,
      paymentsApproved: Number(of("SALE")?.count ?? 0),
      amountApproved: Number(of("SALE")?.amount ?? 0),
      // Voids and refunds are negative entries; the report shows what went back.
      amountRefunded: -Number(of("REFUND")?.amount ?? 0),
      amountVoided: -Number(of("VOID")?.amount ?? 0),
      billsCollected: Number(bills?.count ?? 0),
      cashCollected: Number(bills?.cash ?? 0),
      pointsIssued: pointsOf("EARN"),
      pointsRedeemed: pointsOf("REDEEM"),
      pointsReturned: pointsOf("RETURN"),
      pointsTakenBack: pointsOf("TAKE_BACK"),
    };
  }
}
