import type { Catalog } from "../shared/catalog";
import type { en } from "./notice.en";

export const ja: Catalog<typeof en> = {
  confirmTitle: "この支払いを承認しますか？",
  confirmBody: (amount, store, card) => `${store}で${amount}（${card}）。タップして答えてください。`,
  paidTitle: "支払いが完了しました",
  declinedTitle: "支払いが承認されませんでした",
  paymentTitle: "支払いが更新されました",
  paymentBody: (amount, store) => `${store}で${amount}`,
  refundTitle: "返金がありました",
  refundBody: (amount, store) => `${store}から${amount}が返金されました。`,
  billTitle: (biller) => `${biller}から請求書が届きました`,
  billBody: (amount, due) => `${amount}、支払期限は${due}です。請求書コードで店頭でお支払いください。`,
  billDueTitle: (biller) => `${biller}の請求書の支払期限が近づいています`,
  billDueBody: (amount, due) => `${amount}、支払期限は${due}です。`,
  ticketTitle: "チケットが届きました",
  ticketBody: (event, starts) => `${event}（${starts}）。「パス」にあります。`,
  releasedTitle: "チケットを表示できるようになりました",
  releasedBody: (event, starts) => `${event}（${starts}）。入場ゲートで「パス」から開いてください。`,
};
