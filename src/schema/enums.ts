import { registerEnumType } from "type-graphql";
import { ADMISSION_RESULTS } from "../services/tickets/admission-rules";
import { ErrorCode } from "../services/kernel/errors";
import { API_KEY_ROLES, CARD_KINDS, CARD_STATUSES, CODE_KINDS, TENDERS } from "../entities/value-lists";
import { BILL_STATUSES, PAYMENT_STATUSES } from "../entities/value-lists";

/**
 * The GraphQL enums, each made from the service layer's list (entities/value-lists.ts and
 * clients/wire/admission-rules.ts): every name is its own value, so a value the services
 * hand over is already the enum's. Each name is also a type: the union of the list.
 */
const enumOf = <const T extends readonly string[]>(values: T) =>
  Object.fromEntries(values.map((value) => [value, value])) as { readonly [K in T[number]]: K };
type ValueOf<E> = E[keyof E];

export const CardKind = enumOf(CARD_KINDS);
export type CardKind = ValueOf<typeof CardKind>;
export const CardStatus = enumOf(CARD_STATUSES);
export type CardStatus = ValueOf<typeof CardStatus>;
export const CodeKind = enumOf(CODE_KINDS);
export type CodeKind = ValueOf<typeof CodeKind>;
export const ApiKeyRole = enumOf(API_KEY_ROLES);
export type ApiKeyRole = ValueOf<typeof ApiKeyRole>;
export const PaymentStatus = enumOf(PAYMENT_STATUSES);
export type PaymentStatus = ValueOf<typeof PaymentStatus>;
export const BillStatus = enumOf(BILL_STATUSES);
export type BillStatus = ValueOf<typeof BillStatus>;
export const Tender = enumOf(TENDERS);
export type Tender = ValueOf<typeof Tender>;
export const AdmissionResult = enumOf(ADMISSION_RESULTS);
export type AdmissionResult = ValueOf<typeof AdmissionResult>;

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
    AUTHORIZED: { description: "Capture later: the institution holds the amount until capturePayment or releaseAuthorization" },
    RELEASED: { description: "Capture later: the authorization was let go uncharged (by the register, or after AUTHORIZATION_DAYS)" },
  },
});
