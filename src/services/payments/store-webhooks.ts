import { LRUCache } from "lru-cache";
import type { EntityManager } from "typeorm";
import type { AtCommit, Tx } from "../../database";
import { StoreEntity, type PaymentEntity } from "../../entities";
import { customerNumberOf } from "../kernel/customer-numbers.service";
import type { ServiceDeps } from "../kernel/deps";
import type { OutboxService } from "../delivery/outbox.service";
import { sendWebhook } from "../delivery/webhooks";
import type { SignedReceipt } from "../../../clients/wire/receipt";

export type PaymentWebhookType =
  | "payment.approved"
  | "payment.declined"
  | "payment.voided"
  | "payment.refunded"
  | "payment.authorized"
  | "payment.captured"
  | "payment.released";

/**
 * A store's back office hears of its payments (`createStore(..., webhookUrl)`): signed
 * webhooks from the outbox, sent with the transaction that decides the payment, retried
 * as partners' are (webhooks.ts). Whether a store has a webhook is kept per store: its
 * URL is set once, when the store is made, so a redeem asks the database about it once
 * per store, not once per payment. The payload is the payment as the register sees it:
 * never a card number, never the customer's phone.
 */
export class StoreWebhooks {
  private readonly hooked = new LRUCache<string, boolean>({ max: 10_000 });

  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Whether the store hears its payments. Read through `manager` when given: inside a
   * transaction the question must go on the transaction's own connection (SQLite has one).
   */
  async hasWebhook(storeId: string, manager?: EntityManager): Promise<boolean> {
    const known = this.hooked.get(storeId);
    if (known !== undefined) return known;
    const find = (m: EntityManager) => m.findOne(StoreEntity, { where: { id: storeId }, select: { id: true, webhookUrl: true } });
    const store = manager ? await find(manager) : await this.deps.db.read(find);
    const hooked = Boolean(store?.webhookUrl);
    this.hooked.set(storeId, hooked);
    return hooked;
  }

  /** Sends the payment's event with `tx` (only if `onlyIf` changed a row, when given); nothing when the store has no webhook. */
  async tell(tx: Tx, type: PaymentWebhookType, payment: PaymentEntity, options: { onlyIf?: AtCommit; refund?: { amount: number }; receipt?: SignedReceipt } = {}): Promise<void> {
    if (!(await this.hasWebhook(payment.storeId, tx))) return;
    const data = {
      id: payment.id,
      status: payment.status,
      amount: payment.amount,
      currency: payment.currency,
      reference: payment.reference,
      approvalNumber: payment.approvalNumber,
      declineReason: payment.declineReason,
      refundedAmount: payment.refundedAmount,
      // Capture later: what was authorized, and when it was captured (absent for a sale captured at once).
      ...(payment.authorizedAmount != null ? { authorizedAmount: payment.authorizedAmount, capturedAt: payment.capturedAt?.toISOString() ?? null } : {}),
      customerNumber: payment.customerNumber ?? customerNumberOf(this.deps.keys.customerNumber, payment.customerId, payment.storeId),
      card: { brand: payment.cardBrand, last4: payment.cardLast4 },
      createdAt: payment.createdAt.toISOString(),
      decidedAt: payment.decidedAt?.toISOString() ?? null,
      ...(options.refund ? { refund: options.refund } : {}),
      // The decision's signed receipt: the store can check it with the published key set.
      ...(options.receipt ? { receipt: options.receipt } : {}),
    };
    sendWebhook(this.outbox, tx, { storeId: payment.storeId }, type, data, this.deps.clock.now(), { onlyIf: options.onlyIf });
  }
}
