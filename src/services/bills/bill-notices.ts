import type { Tx } from "../../database";
import type { StoreEntity } from "../../entities";
import type { ReceiptService } from "../books/receipts.service";
import type { OutboxService } from "../delivery/outbox.service";
import type { BillView } from "../kernel/bill-view";
import { tellBillReversed, tellBillWebhooks } from "./bill-views";

/**
 * What a collection and its reversal tell, in their own transaction: the signed receipt
 * (books/receipts.service.ts) and the biller's and the store's webhooks, which carry it.
 * Cash and card collections say the same: the biller hears of the bill, never of the card
 * payment that paid it, so its receipt names no payment either.
 */
export class BillNotices {
  constructor(
    private readonly outbox: OutboxService,
    private readonly receipts: ReceiptService,
  ) {}

  collected(tx: Tx, partnerId: string, view: BillView, store: StoreEntity, now: Date): void {
    const receipt = this.receipts.issue(tx, { ...facts(view, store, now), kind: "bill.collected" }, { storeId: store.id });
    tellBillWebhooks(this.outbox, tx, partnerId, { biller: "bill.paid", store: "bill.collected" }, view, store, now, { receipt });
  }

  reversed(tx: Tx, partnerId: string, before: BillView, after: BillView, store: StoreEntity, now: Date): void {
    const receipt = this.receipts.issue(tx, { ...facts(before, store, now), kind: "bill.reversed" }, { storeId: store.id });
    tellBillReversed(this.outbox, tx, partnerId, before, after, store, now, receipt);
  }
}

const facts = (view: BillView, store: StoreEntity, at: Date) => ({
  objectId: view.id,
  at,
  amount: view.amount,
  currency: view.currency,
  storeId: store.id,
  storeName: store.name,
});
