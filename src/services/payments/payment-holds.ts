import type { Tx } from "../../database";
import type { PaymentEntity } from "../../entities";

/**
 * The payment's hold port. A card payment may carry something of a domain above payments
 * (the points redeemed with it, the bill it pays). That domain takes its part in the
 * payment's first transaction (a `HoldRequest`, or a bill's reservation) and registers one
 * `PaymentHold` saying what to do with each decision; payments call the registered holds
 * in the transaction that records the decision, and know nothing else of them. A hold's
 * moves are conditional on its own rows, so a decision recorded twice (by an instance and
 * by recovery) moves what it holds once.
 */
export interface PaymentHold {
  /** Whether `payment` holds something of this kind (a column of the payment names it). */
  holds(payment: PaymentEntity): boolean;
  /**
   * The payment was approved: what it held is taken for good. `authorized` is the amount
   * held before a capture of less (`payment.amount` is what was charged).
   */
  settle(tx: Tx, payment: PaymentEntity, authorized?: number): Promise<void>;
  /** The payment ended without a charge (declined, rejected, expired, voided while waiting, reversed): what it held is let go. */
  release(tx: Tx, payment: PaymentEntity): Promise<void>;
  /** An approved payment gave money back (see `MoneyBack`). */
  reverse(tx: Tx, payment: PaymentEntity, back: MoneyBack): Promise<void>;
  /** Why a refund of `payment` is refused, when this hold cannot follow one. */
  refundRefusal?(payment: PaymentEntity): string | null;
}

/** Money an approved payment gave back: its refunded total went from `before` to `after`; a void gives back all of it. */
export interface MoneyBack {
  before: number;
  after: number;
  voided: boolean;
}

/** The payment columns a hold sets in the first transaction, naming what the payment holds. */
export type HoldMarks = Partial<Pick<PaymentEntity, "pointsSettlementId" | "billId" | "dailyLimitDay">>;

/** Where a hold is taken: the payment being made, by whom, and the sale before any money off. */
export interface HoldPlace {
  storeId: string;
  customerId: string;
  amount: number;
}

/**
 * What a caller above payments asks a redeem's first transaction to hold (redeemCode with
 * points). Taken once the payment code is claimed, so the customer is known.
 */
export interface HoldRequest {
  /** What the idempotency key remembers of it: the same key with another hold is another request. */
  readonly fingerprint: Record<string, unknown>;
  /** The refusal when asked with an offline token, whose caps count what the card pays: the two do not combine. */
  readonly withOfflineToken: { message: string; field: string };
  /** Hold, and say the money off the sale: the card is charged the rest. */
  take(tx: Tx, at: HoldPlace): Promise<{ discount: number; marks: HoldMarks }>;
  /**
   * When `take` failed because another payment took what it wanted meanwhile: the redeem
   * runs again, at most `attempts` times in all; then `exhausted` throws the caller's error.
   */
  readonly retry?: { when(error: unknown): boolean; attempts: number; exhausted(): never };
}

/** The holds registered at wiring (services/index.ts), asked in registration order. */
export class PaymentHolds {
  private readonly kinds: PaymentHold[] = [];

  register(hold: PaymentHold): void {
    this.kinds.push(hold);
  }

  /** Whether a decision of `payment` must also move something it holds (a plain payment never does: fewer round trips). */
  any(payment: PaymentEntity): boolean {
    return this.kinds.some((hold) => hold.holds(payment));
  }

  async settle(tx: Tx, payment: PaymentEntity, authorized?: number): Promise<void> {
    for (const hold of this.of(payment)) await hold.settle(tx, payment, authorized);
  }

  async release(tx: Tx, payment: PaymentEntity): Promise<void> {
    for (const hold of this.of(payment)) await hold.release(tx, payment);
  }

  async reverse(tx: Tx, payment: PaymentEntity, back: MoneyBack): Promise<void> {
    for (const hold of this.of(payment)) await hold.reverse(tx, payment, back);
  }

  refundRefusal(payment: PaymentEntity): string | null {
    for (const hold of this.of(payment)) {
      const refusal = hold.refundRefusal?.(payment);
      if (refusal) return refusal;
    }
    return null;
  }

  private of(payment: PaymentEntity): PaymentHold[] {
    return this.kinds.filter((hold) => hold.holds(payment));
  }
}
