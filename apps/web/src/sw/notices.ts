import { catalog } from "../shared/i18n";
import { day, money, when } from "../shared/format";
import { en } from "./notice.en";
import { ja } from "./notice.ja";

const nw = catalog(en, ja);

/** A push's payload as the server sends it (docs/push.md): version 1. */
export type PushNotice = { v: 1; id: string; at: string } & (
  | { kind: "confirmation"; requestId: string; paymentId: string; amount: number; currency: string; storeName: string; cardBrand: string; cardLast4: string; expiresAt: string }
  | { kind: "payment"; paymentId: string; status: string; amount: number; currency: string; storeName: string }
  | { kind: "refund"; paymentId: string; status: string; amount: number; refundedAmount: number; currency: string; storeName: string }
  | { kind: "bill"; billId: string; billerName: string; amount: number; currency: string; dueAt: string }
  | { kind: "billDue"; billId: string; billerName: string; amount: number; currency: string; dueAt: string }
  | { kind: "ticket"; ticketId: string; eventName: string; startsAt: string }
  | { kind: "ticketReleased"; ticketId: string; eventName: string; startsAt: string }
  | { kind: "message"; messageId: string; title: string; body: string }
);

/** Which part of the phone a tap opens (Phone.tsx reads it from `?open=`); "confirm" is the sheet, which comes up by itself. */
export type OpenTarget = "confirm" | "history" | "bills" | "tickets" | "inbox";

export interface Shown {
  title: string;
  options: { body: string; tag: string; data: { open: OpenTarget; notice: PushNotice }; requireInteraction?: boolean; renotify?: boolean; timestamp?: number };
}

/**
 * The notification for one push. A payment's notices share a tag, so its result replaces
 * the request to confirm it; a confirmation stays up until it is answered or tapped.
 */
export function shownFor(notice: PushNotice): Shown {
  const data = (open: OpenTarget) => ({ open, notice });
  switch (notice.kind) {
    case "confirmation":
      return {
        title: nw.confirmTitle,
        options: {
          body: nw.confirmBody(money(notice.amount, notice.currency), notice.storeName, `${notice.cardBrand} •••• ${notice.cardLast4}`),
          tag: `payment:${notice.paymentId}`,
          data: data("confirm"),
          requireInteraction: true,
          renotify: true,
        },
      };
    case "payment": {
      const title = notice.status === "APPROVED" ? nw.paidTitle : notice.status === "DECLINED" ? nw.declinedTitle : nw.paymentTitle;
      return { title, options: { body: nw.paymentBody(money(notice.amount, notice.currency), notice.storeName), tag: `payment:${notice.paymentId}`, data: data("history") } };
    }
    case "refund":
      return { title: nw.refundTitle, options: { body: nw.refundBody(money(notice.amount, notice.currency), notice.storeName), tag: `refund:${notice.id}`, data: data("history") } };
    case "bill":
      return { title: nw.billTitle(notice.billerName), options: { body: nw.billBody(money(notice.amount, notice.currency), day(notice.dueAt)), tag: `bill:${notice.billId}`, data: data("bills") } };
    case "billDue":
      return { title: nw.billDueTitle(notice.billerName), options: { body: nw.billDueBody(money(notice.amount, notice.currency), day(notice.dueAt)), tag: `bill:${notice.billId}`, data: data("bills") } };
    case "ticketReleased":
      return { title: nw.releasedTitle, options: { body: nw.releasedBody(notice.eventName, when(notice.startsAt)), tag: `ticket:${notice.ticketId}`, data: data("tickets") } };
    case "ticket":
      return { title: nw.ticketTitle, options: { body: nw.ticketBody(notice.eventName, when(notice.startsAt)), tag: `ticket:${notice.ticketId}`, data: data("tickets") } };
    case "message":
      return { title: notice.title, options: { body: notice.body, tag: `message:${notice.messageId}`, data: data("inbox") } };
  }
}
