import type { AtCommit, Tx } from "../../database";

/**
 * What a customer is told when the app may be closed (Web Push, push/): the domains below
 * say what happened, in the transaction that made it happen; the push domain, above them
 * all, listens and sends it through the outbox, so a notice exists exactly when its change
 * committed, and no domain imports push. Each notice carries what its screen needs and
 * never a card number or a phone number (docs/push.md).
 */
export type Notice =
  | {
      kind: "confirmation";
      requestId: string;
      paymentId: string;
      amount: number;
      currency: string;
      storeName: string;
      cardBrand: string;
      cardLast4: string;
      expiresAt: string;
    }
  | { kind: "payment"; paymentId: string; status: string; amount: number; currency: string; storeName: string }
  | { kind: "refund"; paymentId: string; status: string; amount: number; refundedAmount: number; currency: string; storeName: string }
  | { kind: "bill"; billId: string; billerName: string; amount: number; currency: string; dueAt: string }
  | { kind: "billDue"; billId: string; billerName: string; amount: number; currency: string; dueAt: string }
  | { kind: "ticket"; ticketId: string; eventName: string; startsAt: string }
  | { kind: "ticketReleased"; ticketId: string; eventName: string; startsAt: string }
  | { kind: "message"; messageId: string; title: string; body: string };

export type NoticeKind = Notice["kind"];

/** Hears each notice in its transaction (see Notices). */
export type NoticeListener = (tx: Tx, customerId: string, notice: Notice, options: { onlyIf?: AtCommit }) => void;

/** The port the domains tell notices through; the wiring plugs the push domain in. */
export class Notices {
  private readonly listeners: NoticeListener[] = [];

  listen(listener: NoticeListener): void {
    this.listeners.push(listener);
  }

  /** Tells `customerId` of `notice` once `tx` commits (only if `onlyIf` changed a row, when given). */
  tell(tx: Tx, customerId: string, notice: Notice, options: { onlyIf?: AtCommit } = {}): void {
    for (const listener of this.listeners) listener(tx, customerId, notice, options);
  }
}
