import type { Tx } from "../../database";
import { CustomerEntity, type PaymentEntity } from "../../entities";
import { confirmPassword } from "../access/password-check";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { dateInZone } from "../kernel/store-day";
import type { MoneyBack, PaymentHold } from "./payment-holds";

/** No limit, as a number the conditional UPDATE can compare with. */
const NONE = Number.MAX_SAFE_INTEGER;

/**
 * The day's take: the running total and count go up by this payment only if both stay
 * within the limits. Another day's counts are read as 0 and replaced. SET is written so
 * that MySQL (which reads columns already set in the same statement) and SQLite (which
 * reads them all as they were) compute the same: `spendDay` is set last.
 */
const TAKE = `UPDATE customers SET
  dayAmount = CASE WHEN spendDay = ? THEN dayAmount + ? ELSE ? END,
  dayCount = CASE WHEN spendDay = ? THEN dayCount + 1 ELSE 1 END,
  spendDay = ?
  WHERE id = ?
    AND (CASE WHEN spendDay = ? THEN dayAmount ELSE 0 END) + ? <= ?
    AND (CASE WHEN spendDay = ? THEN dayCount ELSE 0 END) + 1 <= ?`;
/** A payment that charged nothing stops naming its day, once: only the transaction that clears it gives back. */
const UNMARK = "UPDATE payments SET dailyLimitDay = NULL WHERE id = ? AND dailyLimitDay = ?";
/** Gives back to the day it was taken from; a day already over has nothing to give back to. */
const GIVE_BACK = "UPDATE customers SET dayAmount = dayAmount - ?, dayCount = dayCount - 1 WHERE id = ? AND spendDay = ? AND dayCount >= 1 AND dayAmount >= ?";
/** A capture of less than was authorized gives the rest back to the day, which still counts the payment. */
const GIVE_BACK_AMOUNT = "UPDATE customers SET dayAmount = dayAmount - ? WHERE id = ? AND spendDay = ? AND dayAmount >= ?";

export type LimitSetter = "CUSTOMER" | "OPERATOR";

export interface DailyLimits {
  /** What the customer set (null: none of their own). */
  maxAmount: number | null;
  maxCount: number | null;
  /** The operator's ceiling (null: none). */
  ceilingAmount: number | null;
  ceilingCount: number | null;
  /** The calendar day counted (YYYY-MM-DD, in the server's DAILY_LIMIT_TIME_ZONE), and what the codes paid on it so far. */
  day: string;
  timeZone: string;
  spentToday: number;
  paymentsToday: number;
}

/** A customer's own limits, as the redeem's read of the code finds them. */
export interface OwnLimits {
  dailyMaxAmount: number | null;
  dailyMaxCount: number | null;
}

interface Effective {
  amount: number | null;
  count: number | null;
  amountBy: LimitSetter;
  countBy: LimitSetter;
}

/**
 * Daily limits for payment codes (docs/payments.md, "Daily limits"): the customer sets a
 * day's total and count, at most the operator's ceiling (DAILY_MAX_AMOUNT,
 * DAILY_MAX_COUNT). A redeem takes its amount from the day with one conditional UPDATE
 * of the customer's row in its first transaction, so of two redeems racing only those
 * within the limits pass; the refusal names the limit (DAILY_AMOUNT_LIMIT,
 * DAILY_COUNT_LIMIT). A payment that ends without a charge gives its amount back (this
 * is a payment hold of payments' own); a refund does not. A customer with no limit and no
 * ceiling costs a redeem nothing.
 */
export class DailyLimitService implements PaymentHold {
  constructor(private readonly deps: ServiceDeps) {}

  async dailyLimits(caller: Caller): Promise<DailyLimits> {
    const { customerId } = requireCustomer(caller);
    const customer = (await this.deps.db.read((m) => m.findOneBy(CustomerEntity, { id: customerId }))) ?? notFound("customer");
    return this.view(customer);
  }

  /** The customer's own limits (null: none of their own), each at most the operator's ceiling; the password is asked. */
  async setDailyLimits(caller: Caller, maxAmount: number | null, maxCount: number | null, password: string): Promise<DailyLimits> {
    const session = requireCustomer(caller);
    const ceiling = this.deps.config.dailyMax;
    this.checkLimit(maxAmount, ceiling.amount, "maxAmount");
    this.checkLimit(maxCount, ceiling.count, "maxCount");
    await confirmPassword(this.deps, session, password);
    await this.deps.db.tx((tx) => tx.update(CustomerEntity, { id: session.customerId }, { dailyMaxAmount: maxAmount, dailyMaxCount: maxCount }));
    return this.dailyLimits(caller);
  }

  private checkLimit(value: number | null, ceiling: number | null, field: string): void {
    if (value === null) return;
    if (!Number.isSafeInteger(value) || value < 0) badInput(`${field} must be 0 or more, or null for none of your own`, { field });
    if (ceiling !== null && value > ceiling) badInput(`${field} must be at most ${ceiling}`, { field, ceiling });
  }

  /**
   * In the redeem's first transaction, once the code is claimed: takes `amount` from the
   * customer's day. Answers the day to mark the payment with, or null when no limit
   * applies (nothing is written). DAILY_COUNT_LIMIT or DAILY_AMOUNT_LIMIT when it would
   * go over; the transaction then rolls back with the code unused.
   */
  async take(tx: Tx, customerId: string, own: OwnLimits, amount: number): Promise<string | null> {
    const limits = this.effective(own);
    if (limits.amount === null && limits.count === null) return null;
    const day = this.today();
    const maxAmount = limits.amount ?? NONE;
    const maxCount = limits.count ?? NONE;
    const taken = await tx.write(TAKE, [day, amount, amount, day, day, customerId, day, amount, maxAmount, day, maxCount]);
    if (taken === 1) return day;
    const [row] = await tx.select<{ spendDay: string | null; dayAmount: number | string; dayCount: number | string }>(
      "SELECT spendDay, dayAmount, dayCount FROM customers WHERE id = ?",
      [customerId],
    );
    const count = row?.spendDay === day ? Number(row.dayCount) : 0;
    if (count + 1 > maxCount) {
      return fail(ErrorCode.DAILY_COUNT_LIMIT, "The customer's payment codes have paid as many times today as allowed", {
        dailyMaxCount: maxCount,
        setBy: limits.countBy,
      });
    }
    return fail(ErrorCode.DAILY_AMOUNT_LIMIT, "The sale would take the customer's payment codes over today's total", {
      dailyMaxAmount: maxAmount,
      setBy: limits.amountBy,
    });
  }

  holds(payment: PaymentEntity): boolean {
    return payment.dailyLimitDay !== null && payment.dailyLimitDay !== undefined;
  }

  /**
   * A capture of less than was authorized counts only what was charged: the rest goes back
   * to the day (if that day is still today's count), so a later void gives back exactly
   * what is left. Runs in the capture's transaction, once: only the UPDATE that moved the
   * payment to APPROVED gets here.
   */
  async settle(tx: Tx, payment: PaymentEntity, authorized?: number): Promise<void> {
    const day = payment.dailyLimitDay;
    const rest = authorized === undefined ? 0 : authorized - payment.amount;
    if (!day || rest <= 0) return;
    await tx.write(GIVE_BACK_AMOUNT, [rest, payment.customerId, day, rest]);
  }

  /** Nothing was charged: the amount and the count go back to the day they were taken from. */
  async release(tx: Tx, payment: PaymentEntity): Promise<void> {
    await this.giveBack(tx, payment);
  }

  /** A void gives back as a payment never charged does; a refund leaves the day as it was (the money was spent that day). */
  async reverse(tx: Tx, payment: PaymentEntity, back: MoneyBack): Promise<void> {
    if (back.voided) await this.giveBack(tx, payment);
  }

  private async giveBack(tx: Tx, payment: PaymentEntity): Promise<void> {
    const day = payment.dailyLimitDay;
    if (!day) return;
    if ((await tx.write(UNMARK, [payment.id, day])) !== 1) return;
    await tx.write(GIVE_BACK, [payment.amount, payment.customerId, day, payment.amount]);
  }

  private effective(own: OwnLimits): Effective {
    const ceiling = this.deps.config.dailyMax;
    const lower = (mine: number | null, theirs: number | null): [number | null, LimitSetter] => {
      if (mine === null) return [theirs, "OPERATOR"];
      if (theirs === null || mine <= theirs) return [mine, "CUSTOMER"];
      return [theirs, "OPERATOR"];
    };
    const [amount, amountBy] = lower(own.dailyMaxAmount, ceiling.amount);
    const [count, countBy] = lower(own.dailyMaxCount, ceiling.count);
    return { amount, count, amountBy, countBy };
  }

  private today(): string {
    return dateInZone(this.deps.clock.now(), this.deps.config.dailyMax.timeZone);
  }

  private view(customer: CustomerEntity): DailyLimits {
    const day = this.today();
    const ceiling = this.deps.config.dailyMax;
    const counted = customer.spendDay === day;
    return {
      maxAmount: customer.dailyMaxAmount,
      maxCount: customer.dailyMaxCount,
      ceilingAmount: ceiling.amount,
      ceilingCount: ceiling.count,
      day,
      timeZone: ceiling.timeZone,
      spentToday: counted ? Number(customer.dayAmount) : 0,
      paymentsToday: counted ? Number(customer.dayCount) : 0,
    };
  }
}
