import { BillEntity, LedgerEntryEntity, PointMovementEntity, StoreEntity } from "../entities";
import type { Caller } from "./caller";
import type { ServiceDeps } from "./deps";
import { requireRegister } from "./guards";
import { dayInZone } from "./store-day";

export interface StoreReport {
  date: string;
  currency: string;
  paymentsApproved: number;
  amountApproved: number;
  amountRefunded: number;
  amountVoided: number;
  billsCollected: number;
  cashCollected: number;
  pointsIssued: number;
  pointsRedeemed: number;
}

/**
 * A store's day, in its time zone, summed from its own rows and nothing else: the ledger
 * (a sale approved, a void, each refund, each entered when it happened), the bills it
 * collected (a reversed collection no longer counts) and the point movements at its
 * registers. So the report always equals what the rows say, whatever day a payment was
 * made on: a refund today of yesterday's sale is today's refund.
 */
export class StoreReportService {
  constructor(private readonly deps: ServiceDeps) {}

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
          .select("COALESCE(SUM(CASE WHEN p.points > 0 THEN p.points ELSE 0 END), 0)", "issued")
          .addSelect("COALESCE(SUM(CASE WHEN p.points < 0 THEN -p.points ELSE 0 END), 0)", "redeemed")
          .where("p.storeId = :storeId AND p.createdAt >= :from AND p.createdAt < :to", range)
          .getRawOne<{ issued: string | number; redeemed: string | number }>(),
      ]),
    );
    const of = (type: string) => ledger.find((row) => row.entryType === type);
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
      pointsIssued: Number(points?.issued ?? 0),
      pointsRedeemed: Number(points?.redeemed ?? 0),
    };
  }
}
