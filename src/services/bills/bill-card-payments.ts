import { BillEntity, StoreEntity, type PaymentEntity } from "../../entities";
import type { Tx } from "../../database";
import { billViews } from "./bill-views";
import type { BillNotices } from "./bill-notices";
import type { ServiceDeps } from "../kernel/deps";
import { BILL_MOVES } from "./bill-states";
import { byId } from "../kernel/status-table";
import type { MoneyBack, PaymentHold } from "../payments/payment-holds";
import type { StoreDaySums } from "../kernel/store-day-sums.service";
import { countCollection } from "./bill-store-days";

/**
 * A bill paid by card at a store (collectBill with tender CARD), kept in step with its
 * payment the way held points are: the payment's first transaction holds the bill
 * (`bills.paymentId`; no other collection may start, and its biller may not cancel it),
 * and the transaction that decides the payment settles it (PAID, tender CARD) or, when
 * the card is not charged, lets it go, OPEN and payable again. A void of the approved
 * payment opens it again. Each move is conditional on the bill still naming the payment,
 * so a decision recorded twice (an instance and recovery) moves it once. It is the bills'
 * hold in the payments' hold port (payments/payment-holds.ts).
 */
export class BillCardPayments implements PaymentHold {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly notices: BillNotices,
    private readonly storeDays: StoreDaySums,
  ) {}

  holds(payment: PaymentEntity): boolean {
    return payment.billId !== null;
  }

  /** The biller counts the bill paid once the charge is approved; undoing it is a void, which opens the bill again. */
  refundRefusal(): string {
    return "A bill's card payment is voided, not refunded: voidPayment makes the bill payable again";
  }

  /** A void opens the bill again; a refund never reaches here (`refundRefusal`). */
  async reverse(tx: Tx, payment: PaymentEntity, back: MoneyBack): Promise<void> {
    if (back.voided) await this.reopen(tx, payment);
  }

  /** The payment was approved: the bill is PAID at its store, and the biller and the store are told. */
  async settle(tx: Tx, payment: PaymentEntity): Promise<void> {
    const store = await tx.findOneByOrFail(StoreEntity, { id: payment.storeId });
    const now = this.deps.clock.now();
    const { sql, params } = BILL_MOVES.update("settle", byId(payment.billId!), { now, paymentId: payment.id, paidAt: now, paidAtStoreId: store.id, paidAtStoreName: store.name });
    const changed = await tx.write(sql, params);
    if (changed !== 1) {
      // Nothing else may move a bill its payment holds: this is a bug, not a race, and the charge stands.
      this.deps.logger.error({ paymentId: payment.id, billId: payment.billId }, "an approved card payment's bill was no longer held by it");
      return;
    }
    const bill = await tx.findOneByOrFail(BillEntity, { id: payment.billId! });
    countCollection(this.storeDays, tx, store, { paidAt: now, tender: "CARD", amount: bill.amount }, 1);
    const [view] = await billViews(tx, [bill], now);
    this.notices.collected(tx, bill.partnerId, view, store, now);
    tx.afterCommit(() => this.deps.events.billPaid(bill.partnerId, view));
  }

  /** The card was not charged (declined, rejected, expired, voided while waiting, reversed): the bill is payable again. */
  async release(tx: Tx, payment: PaymentEntity): Promise<void> {
    const { sql, params } = BILL_MOVES.update("release", byId(payment.billId!), { now: this.deps.clock.now(), paymentId: payment.id });
    await tx.write(sql, params);
  }

  /** The approved payment was voided: the bill is OPEN again (OVERDUE past its due date) and the biller is told (`bill.reversed`). */
  private async reopen(tx: Tx, payment: PaymentEntity): Promise<void> {
    // Read before the UPDATE: the webhooks name the collection that was undone.
    const bill = await tx.findOneByOrFail(BillEntity, { id: payment.billId! });
    const now = this.deps.clock.now();
    const [before] = await billViews(tx, [bill], now);
    const { sql, params } = BILL_MOVES.update("reopen", byId(bill.id), { now, paymentId: payment.id });
    const changed = await tx.write(sql, params);
    if (changed !== 1) return;
    const store = await tx.findOneByOrFail(StoreEntity, { id: payment.storeId });
    countCollection(this.storeDays, tx, store, { paidAt: bill.paidAt!, tender: "CARD", amount: bill.amount }, -1);
    const [after] = await billViews(tx, [await tx.findOneByOrFail(BillEntity, { id: bill.id })], now);
    this.notices.reversed(tx, bill.partnerId, before, after, store, now);
  }
}
