import type { EntityManager } from "typeorm";
import { BillEntity, PartnerEntity, type StoreEntity } from "../../entities";
import type { OutboxService } from "../delivery/outbox.service";
import type { BillStatus } from "../../entities/value-lists";
import type { BillView } from "../kernel/bill-view";
import type { Tx } from "../../database";
import { sendWebhook } from "../delivery/webhooks";


export type { BillView };

/** Stored OPEN past the due date reads as OVERDUE. */
export function billStatus(bill: BillEntity, now: Date): BillStatus {
  if (bill.status === "OPEN" && bill.dueDate <= now) return "OVERDUE";
  return bill.status;
}

/** Bills as the API shows them, with their billers' names (one read per biller). */
export async function billViews(m: EntityManager, bills: BillEntity[], now: Date): Promise<BillView[]> {
  const partnerIds = [...new Set(bills.map((b) => b.partnerId))];
  const partners = await Promise.all(partnerIds.map((id) => m.findOneBy(PartnerEntity, { id })));
  const names = new Map(partners.filter((p) => p).map((p) => [p!.id, p!.name]));
  return bills.map((bill) => ({
    id: bill.id,
    reference: bill.reference,
    billerName: names.get(bill.partnerId) ?? "",
    amount: bill.amount,
    currency: bill.currency,
    description: bill.description,
    dueDate: bill.dueDate,
    status: billStatus(bill, now),
    paidAt: bill.paidAt,
    paidAtStore: bill.paidAtStoreName,
    tender: bill.tender,
    paymentId: bill.paymentId,
  }));
}

/**
 * The biller's webhook and, when the store has one, the store's back office's, sent
 * with the transaction. They carry the bill, the tender and the store, never the
 * customer's phone number nor the card payment's details.
 */
export function tellBillWebhooks(
  outbox: OutboxService,
  tx: Tx,
  partnerId: string,
  types: { biller: string; store: string },
  view: BillView,
  store: StoreEntity,
  now: Date,
  extra: Record<string, unknown> = {},
): void {
  const { paymentId: _payment, ...bill } = view;
  const data = {
    ...bill,
    dueDate: view.dueDate.toISOString(),
    paidAt: view.paidAt?.toISOString() ?? null,
    store: { id: store.id, name: store.name },
    ...extra,
  };
  sendWebhook(outbox, tx, { partnerId }, types.biller, data, now);
  if (store.webhookUrl) sendWebhook(outbox, tx, { storeId: store.id }, types.store, data, now);
}

/**
 * `bill.reversed` to the biller and the store: like every webhook its `data` is the bill
 * as it is after the event (`after`: OPEN or OVERDUE, no tender), and the collection it
 * undid is named apart (`reversedCollection`, from `before`).
 */
export function tellBillReversed(
  outbox: OutboxService,
  tx: Tx,
  partnerId: string,
  before: BillView,
  after: BillView,
  store: StoreEntity,
  now: Date,
  receipt?: unknown,
): void {
  const reversedCollection = { tender: before.tender, paidAt: before.paidAt?.toISOString() ?? null, paidAtStore: before.paidAtStore };
  tellBillWebhooks(outbox, tx, partnerId, { biller: "bill.reversed", store: "bill.reversed" }, after, store, now, { reversedCollection, ...(receipt ? { receipt } : {}) });
}
