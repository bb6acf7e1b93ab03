import { WalletApiError } from "@clients/common";
import { money } from "./format";

/**
 * What a person reads instead of the server's internal codes: every decline reason an
 * institution's answer is mapped onto (src/services/institutions/institution.ts DECLINE),
 * every ErrorCode of api/contract.graphql, and every payment status.
 */
export const DECLINE_WORDS: Record<string, string> = {
  card_declined: "The card was declined",
  insufficient_funds: "Not enough money on the card",
  expired_card: "The card has expired",
  processing_error: "The card company did not answer in time; nothing was charged",
};

export const ERROR_WORDS: Record<string, string> = {
  UNAUTHENTICATED: "This register's key no longer works. Enter a valid key.",
  FORBIDDEN: "This register may not do that.",
  BAD_USER_INPUT: "The server did not accept what was entered.",
  NOT_FOUND: "Nothing was found for that.",
  INVALID_PASSWORD: "The password is wrong.",
  ACCOUNT_LOCKED: "The account is locked for now. Try again later.",
  CARD_NOT_AVAILABLE: "The customer's card is switched off. Ask them to switch it on in the app.",
  CODE_INVALID: "This code is not valid. Ask the customer to show a new one.",
  CODE_EXPIRED: "This code has expired. Ask the customer to show a new one.",
  CODE_ALREADY_USED: "This code was already used. Ask the customer to show a new one.",
  CODE_WRONG_KIND: "This is not a payment code (it may be a member, bill or ticket code).",
  AMOUNT_OVER_LIMIT: "The amount is above the limit the customer set on this code.",
  IDEMPOTENCY_CONFLICT: "This was already sent with other details. Start again.",
  INSUFFICIENT_POINTS: "The customer does not have enough points.",
  BILL_NOT_PAYABLE: "This bill cannot be paid: it is already paid, cancelled or past due.",
  TICKET_NOT_RELEASED: "This ticket's code is not available yet.",
  RATE_LIMITED: "Too many attempts. Wait a moment and try again.",
  PROOF_INVALID: "The phone's signature did not check out.",
  PROOF_MISMATCH: "The phone's signature did not match this request.",
  PROOF_REPLAYED: "The phone's signature was already used.",
  DEVICE_UNKNOWN: "This phone is not registered.",
  DEVICE_REVOKED: "This phone's key was revoked.",
  DEVICE_LIMIT: "The customer has as many phones registered as allowed.",
  VERIFICATION_REQUIRED: "Confirm it is you: with your fingerprint, face or screen lock, or your payment PIN.",
  VERIFICATION_FAILED: "Your fingerprint, face or screen lock could not be confirmed. Try again.",
  PIN_BLOCKED: "The payment PIN was wrong too many times. Set it again with your password.",
  INTERNAL_SERVER_ERROR: "Something went wrong on the server. Try again.",
  HTTP_413: "That was too large for the server.",
  HTTP_429: "Too many attempts. Wait a moment and try again.",
};

export const STATUS_WORDS: Record<string, string> = {
  PENDING_CONFIRMATION: "Waiting for the customer",
  PROCESSING: "Being decided",
  APPROVED: "Approved",
  DECLINED: "Declined",
  REJECTED_BY_CUSTOMER: "Rejected by the customer",
  EXPIRED: "Not confirmed in time",
  VOIDED: "Cancelled",
  REFUNDED: "Refunded",
  PARTIALLY_REFUNDED: "Partly refunded",
};

/** A decline reason in words; one the list does not know yet still reads as a sentence. */
export const declineWords = (reason: string | null | undefined): string =>
  reason ? (DECLINE_WORDS[reason] ?? `Declined by the card company (${reason.replace(/_/g, " ")})`) : "Declined by the card company";

export const statusWords = (status: string): string => STATUS_WORDS[status] ?? status.toLowerCase().replace(/_/g, " ");

/** A failure as one sentence, with what the server said only where it adds a fact (how much is left, what field). */
export function errorWords(error: unknown, currency?: string): string {
  if (error instanceof WalletApiError) {
    const refundable = error.extensions.refundable;
    if (error.code === "BAD_USER_INPUT" && typeof refundable === "number" && currency) {
      return `At most ${money(refundable, currency)} can be refunded.`;
    }
    const status = error.extensions.status;
    if (error.code === "BAD_USER_INPUT" && typeof status === "string") {
      return `This payment is ${statusWords(status).toLowerCase()} now, so that cannot be done.`;
    }
    if (error.code === "BAD_USER_INPUT") return `${ERROR_WORDS.BAD_USER_INPUT} ${error.message}.`;
    return ERROR_WORDS[error.code] ?? (/^HTTP_5/.test(error.code) ? ERROR_WORDS.INTERNAL_SERVER_ERROR : error.message);
  }
  if (error instanceof TypeError) return "The server cannot be reached. Check the network and try again.";
  return error instanceof Error ? error.message : String(error);
}
