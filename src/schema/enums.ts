import { registerEnumType } from "type-graphql";
import { ErrorCode } from "../services/errors";

export enum CardKind { CREDIT = "CREDIT", DEBIT = "DEBIT", BANK = "BANK" }
export enum CardStatus { AVAILABLE = "AVAILABLE", NOT_AVAILABLE = "NOT_AVAILABLE" }
export enum CodeKind { PAYMENT = "PAYMENT", MEMBER = "MEMBER", BILL = "BILL", TICKET = "TICKET" }
export enum ApiKeyRole { REGISTER = "REGISTER", GATE = "GATE", PARTNER = "PARTNER" }
export enum PaymentStatus {
  PROCESSING = "PROCESSING",
  PENDING_CONFIRMATION = "PENDING_CONFIRMATION",
  APPROVED = "APPROVED",
  DECLINED = "DECLINED",
  REJECTED_BY_CUSTOMER = "REJECTED_BY_CUSTOMER",
  EXPIRED = "EXPIRED",
  VOIDED = "VOIDED",
  REFUNDED = "REFUNDED",
}

export enum BillStatus { OPEN = "OPEN", PAID = "PAID", CANCELLED = "CANCELLED", OVERDUE = "OVERDUE" }
export enum Tender { CASH = "CASH", CARD = "CARD" }

export enum AdmissionResult { ADMITTED = "ADMITTED", DENIED = "DENIED" }

registerEnumType(AdmissionResult, { name: "AdmissionResult" });
registerEnumType(BillStatus, { name: "BillStatus" });
registerEnumType(Tender, { name: "Tender" });
registerEnumType(ErrorCode, {
  name: "ErrorCode",
  description: "The stable extensions.code of every expected failure",
  valuesConfig: {
    ACCOUNT_LOCKED: { description: "Not sent: wrong passwords are slowed down (RATE_LIMITED with retryAfterSeconds), never lock an account" },
  },
});
registerEnumType(CardKind, { name: "CardKind" });
registerEnumType(CardStatus, { name: "CardStatus" });
registerEnumType(CodeKind, { name: "CodeKind" });
registerEnumType(ApiKeyRole, { name: "ApiKeyRole" });
registerEnumType(PaymentStatus, {
  name: "PaymentStatus",
  valuesConfig: {
    PROCESSING: { description: "The institution is being asked; lasts at most the institution timeout" },
  },
});
