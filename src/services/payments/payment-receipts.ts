import type { AtCommit, Tx } from "../../database";
import type { PaymentEntity } from "../../entities";
import type { SignedReceipt } from "../../../clients/wire/receipt";
import type { ReceiptService } from "../books/receipts.service";
import { customerNumberOf } from "../kernel/customer-numbers.service";
import type { ServiceDeps } from "../kernel/deps";

export type PaymentReceiptKind =
  | "payment.approved"
  | "payment.declined"
  | "payment.voided"
  | "payment.refunded"
  | "payment.authorized"
  | "payment.captured"
  | "payment.released";

/**
 * A payment's receipts, issued in the transaction that decides it: what the store and
 * the customer were told, signed (books/receipts.service.ts). A refund's receipt is the
 * refund's (its id and amount), naming the payment.
 */
export class PaymentReceipts {
  /**
   * The receipt each decided payment object was issued with, so the answer to the call
   * that decided it carries its receipt without reading it back (a redeem's answer
   * selects it). Weak: gone with the object; a transaction run again overwrites it.
   */
  private readonly issued = new WeakMap<PaymentEntity, SignedReceipt>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly receipts: ReceiptService,
  ) {}

  issue(tx: Tx, kind: PaymentReceiptKind, payment: PaymentEntity, options: { onlyIf?: AtCommit; refund?: { id: string; amount: number } } = {}): SignedReceipt {
    const { refund } = options;
    const receipt = this.receipts.issue(
      tx,
      {
        kind,
        objectId: refund ? refund.id : payment.id,
        at: this.deps.clock.now(),
        amount: refund ? refund.amount : payment.amount,
        currency: payment.currency,
        storeId: payment.storeId,
        storeName: payment.storeName,
        approvalNumber: payment.approvalNumber ?? undefined,
        customerNumber: payment.customerNumber ?? customerNumberOf(this.deps.keys.customerNumber, payment.customerId, payment.storeId),
        paymentId: refund ? payment.id : undefined,
      },
      { customerId: payment.customerId, storeId: payment.storeId },
      { onlyIf: options.onlyIf },
    );
    // A refund's receipt is the refund's, not the payment's latest.
    if (!refund && this.deps.config.receipts) this.issued.set(payment, receipt);
    return receipt;
  }

  /** The receipt this very object was decided with, if it was decided here. */
  issuedWith(payment: object): SignedReceipt | undefined {
    return this.issued.get(payment as PaymentEntity);
  }
}
