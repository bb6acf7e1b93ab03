import type { ReceiptKind } from "@clients/wire/receipt";
import { plural } from "./catalog";

/**
 * A receipt's words in English, the source of every key (receipt.ja.ts is typed from it):
 * the seal the phone and the register show beside a receipt, and the receipt opened on
 * the phone.
 */
export const en = {
  // receipt-seal.tsx: whether the center signed it, checked on this device.
  seal: {
    checking: "Checking…",
    verified: "Verified",
    "not-verified": "Not verified",
    unchecked: "Not checked: go online once to get the center's keys",
  },
  // The register's verdict: "Receipt for approval 123456"; the number sits between the two parts, as each language orders them.
  forApproval: {
    before: "Receipt for approval ",
    after: "",
  },

  // receipt-view.tsx: the receipt opened from the phone's history.
  receipt: "Receipt",
  receiptQr: "Receipt QR",
  showAsQr: "Show as a QR",
  close: "Close",
  unreadable: "This receipt cannot be read.",
  kind: {
    "payment.approved": "Payment approved",
    "payment.declined": "Payment declined",
    "payment.voided": "Payment cancelled",
    "payment.refunded": "Refund",
    "payment.authorized": "Card authorized",
    "payment.captured": "Authorization captured",
    "payment.released": "Authorization released",
    "bill.collected": "Bill paid",
    "bill.reversed": "Bill payment reversed",
    "points.earned": "Points earned",
    "points.redeemed": "Points used",
    "points.returned": "Points given back",
    "points.taken_back": "Points taken back",
    "points.adjusted": "Points adjusted",
    "ticket.admitted": "Ticket admitted",
    "ticket.exited": "Left the venue",
  } satisfies Record<ReceiptKind, string>,
  what: "What",
  amount: "Amount",
  store: "Store",
  when: "When",
  approvalNumber: "Approval number",
  customerNumber: "Customer number",
  lookingInBooks: "Looking for it in the center's books…",
  inBooks: (leafIndex: string, size: number, sizeText: string) =>
    `In the books at #${leafIndex} (checked against their signed head of ${sizeText} ${plural(size, "entry", "entries")})`,
  sealing: "Not in the books yet: the center adds every receipt within seconds.",
  notInBooks: "Does not match the center's books",
  booksOffline: "The books can be checked when the phone is online.",
};
