import type { Catalog } from "./catalog";
import type { en } from "./receipt.en";

export const ja: Catalog<typeof en> = {
  seal: {
    checking: "確認しています…",
    verified: "検証済み",
    "not-verified": "検証できません",
    unchecked: "未確認：センターの鍵を受け取るため、一度オンラインにしてください",
  },
  forApproval: {
    before: "承認番号 ",
    after: " のレシート",
  },

  receipt: "レシート",
  receiptQr: "レシートのQR",
  showAsQr: "QRで表示",
  close: "閉じる",
  unreadable: "このレシートは読み取れません。",
  kind: {
    "payment.approved": "支払い承認",
    "payment.declined": "支払い拒否",
    "payment.voided": "支払い取消",
    "payment.refunded": "返金",
    "payment.authorized": "カードの与信",
    "payment.captured": "与信の売上確定",
    "payment.released": "与信の取消",
    "bill.collected": "請求書の支払い",
    "bill.reversed": "請求書の支払い取消",
    "points.earned": "ポイント獲得",
    "points.redeemed": "ポイント利用",
    "points.returned": "ポイント返却",
    "points.taken_back": "ポイント取消",
    "ticket.admitted": "チケットで入場",
    "ticket.exited": "退場",
  },
  what: "内容",
  amount: "金額",
  store: "店舗",
  when: "日時",
  approvalNumber: "承認番号",
  customerNumber: "お客様番号",
  lookingInBooks: "センターの台帳を確認しています…",
  inBooks: (leafIndex, _size, sizeText) => `台帳の#${leafIndex}に記録されています（署名された${sizeText}件の台帳と照合済み）`,
  sealing: "まだ台帳に記録されていません。センターは数秒以内にすべてのレシートを記録します。",
  notInBooks: "センターの台帳と一致しません",
  booksOffline: "台帳はスマートフォンがオンラインのときに確認できます。",
};
