import { DateTime } from "luxon";
import { stringify } from "csv-stringify/sync";
import { StoreEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, notFound } from "../kernel/errors";
import { requireAdmin, requireRegister } from "../kernel/guards";
import type { StoreDaySums } from "../kernel/store-day-sums.service";

/** What the center owes a store for one day (its time zone) and one card institution. */
export interface StorePayout {
  date: string;
  institution: string;
  currency: string;
  /** Approved sales (SALE entries) that day. */
  sales: number;
  amountApproved: number;
  /** What went back that day, as positive numbers: refunds, voids. */
  amountRefunded: number;
  amountVoided: number;
  /** approved - refunded - voided: the day's payout for this institution (negative when more went back than came in). */
  net: number;
}

export type PayoutFormat = "CSV" | "JSON";

/** Days one report may cover. */
export const MAX_PAYOUT_DAYS = 62;

/** The ledger's entry types, as the day sums keep them. */
const LEDGER_KINDS = ["SALE", "VOID", "REFUND"] as const;

const CSV_COLUMNS = ["date", "institution", "currency", "sales", "amountApproved", "amountRefunded", "amountVoided", "net"] as const;

/**
 * What the center owes each store per day, by card institution, from the store's day
 * sums (kernel/store-day-sums.service.ts), which move with every ledger entry (a sale approved,
 * a void, each refund, each entered when it happened; storeReport reads the same sums),
 * each on the day it falls on in the store's time zone. A refund today of last week's
 * sale is today's, and counted against the institution that approved the sale. One read
 * of the primary key's range for the store and days.
 */
export class StorePayoutsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly storeDays: StoreDaySums,
  ) {}

  /** A register's own store, or (admin) any store by `storeId`; days `from` to `to`, both included. */
  async payouts(caller: Caller, from: string, to: string, storeId: string | null): Promise<StorePayout[]> {
    const store = await this.storeOf(caller, storeId);
    const days = daysBetween(from, to);
    const sums = await this.storeDays.between(store.id, days[0], days[days.length - 1], LEDGER_KINDS);
    const payouts: StorePayout[] = [];
    for (const date of days) {
      const ofDay = sums.filter((s) => s.day === date);
      for (const institution of [...new Set(ofDay.map((s) => s.institution))].sort()) {
        const of = (kind: string) => ofDay.find((s) => s.institution === institution && s.kind === kind);
        const approved = of("SALE")?.amount ?? 0;
        // Voids and refunds are negative entries; shown as what went back (0, never -0).
        const refunded = 0 - (of("REFUND")?.amount ?? 0);
        const voided = 0 - (of("VOID")?.amount ?? 0);
        payouts.push({
          date,
          institution,
          currency: store.currency,
          sales: of("SALE")?.count ?? 0,
          amountApproved: approved,
          amountRefunded: refunded,
          amountVoided: voided,
          net: approved - refunded - voided,
        });
      }
    }
    return payouts;
  }

  /** The same report as a file: CSV (a header line, then one line per day and institution) or JSON (an array). */
  async export(caller: Caller, from: string, to: string, storeId: string | null, format: PayoutFormat): Promise<string> {
    const payouts = await this.payouts(caller, from, to, storeId);
    if (format === "JSON") return JSON.stringify(payouts);
    return stringify(payouts.map((p) => CSV_COLUMNS.map((column) => p[column])), { header: true, columns: [...CSV_COLUMNS], record_delimiter: "unix" });
  }

  private async storeOf(caller: Caller, storeId: string | null): Promise<StoreEntity> {
    if (caller.kind === "admin") {
      requireAdmin(caller);
      if (!storeId) return badInput("storeId names the store", { field: "storeId" });
      return (await this.deps.db.read((m) => m.findOneBy(StoreEntity, { id: storeId }))) ?? notFound("store");
    }
    const register = requireRegister(caller);
    if (storeId && storeId !== register.storeId) return notFound("store");
    return this.deps.db.read((m) => m.findOneByOrFail(StoreEntity, { id: register.storeId }));
  }
}

/** The calendar dates from `from` to `to`, both included, at most MAX_PAYOUT_DAYS. */
function daysBetween(from: string, to: string): string[] {
  const parse = (date: string, field: string) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: "UTC" }) : null;
    return day?.isValid ? day : badInput(`${field} must be a calendar date, YYYY-MM-DD`, { field });
  };
  const [start, end] = [parse(from, "from"), parse(to, "to")];
  const count = Math.round(end.diff(start, "days").days) + 1;
  if (count < 1) return badInput("from must not be after to", { field: "from" });
  if (count > MAX_PAYOUT_DAYS) return badInput(`a report covers at most ${MAX_PAYOUT_DAYS} days`, { field: "to" });
  return Array.from({ length: count }, (_, i) => start.plus({ days: i }).toISODate()!);
}
