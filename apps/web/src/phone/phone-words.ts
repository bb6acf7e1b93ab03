import { WalletApiError } from "@clients/common";
import { errorWords, statusWords } from "../shared/words";

/** The server's rule (src/services/kernel/validation.ts requirePassword), shown before anyone fails it. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters (at most ${PASSWORD_MAX}).`;

/**
 * The phone speaks to the customer ("you", "your card"), where shared/words.ts speaks to
 * a cashier about "the customer": these override it for the phone, and everything else
 * falls back to it, so no message shows an internal code.
 */
const PHONE_ERROR_WORDS: Record<string, string> = {
  UNAUTHENTICATED: "You are signed out. Sign in again.",
  FORBIDDEN: "You may not do that.",
  CARD_NOT_AVAILABLE: "This card is switched off. Switch it on under Cards.",
  CODE_INVALID: "The code is wrong or has expired. Ask for a new one.",
  DEVICE_UNKNOWN: "This phone is not registered any more. Sign out and in again.",
  DEVICE_REVOKED: "This phone's key was revoked. Sign out and in again.",
  DEVICE_LIMIT: "You have as many phones registered as allowed. Remove one first.",
};

/** What a field the server refused means, in words. */
const FIELD_WORDS: Record<string, string> = {
  phone: "This phone number is not valid. Check it and the country.",
  password: `The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`,
  name: "Enter your name (at most 100 characters).",
  amount: "Enter a whole amount of 0 or more.",
};

/** A wait in words: "40 seconds", "12 minutes", "an hour". */
export function waitWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? "an hour" : `${hours} hours`;
}

/** A failure as one sentence for the person holding the phone. */
export function phoneErrorWords(error: unknown): string {
  if (error instanceof WalletApiError) {
    if (error.code === "RATE_LIMITED" || error.code === "HTTP_429") {
      const seconds = Number(error.extensions.retryAfterSeconds);
      return seconds > 0 ? `Too many attempts. Try again in ${waitWords(seconds)}.` : "Too many attempts. Wait a moment and try again.";
    }
    // A wrong payment PIN comes back as a wrong password, with the tries it has left.
    const left = error.extensions.attemptsLeft;
    if (error.code === "INVALID_PASSWORD" && typeof left === "number") {
      return `The payment PIN is wrong. ${left === 0 ? "No tries are left." : `${left} ${left === 1 ? "try" : "tries"} left.`}`;
    }
    const field = error.extensions.field;
    if (error.code === "BAD_USER_INPUT" && typeof field === "string" && FIELD_WORDS[field]) return FIELD_WORDS[field];
    if (PHONE_ERROR_WORDS[error.code]) return PHONE_ERROR_WORDS[error.code];
  }
  return errorWords(error);
}

/** Every payment status as the customer reads it about their own payment. */
const PAYMENT_WORDS: Record<string, string> = {
  APPROVED: "Paid",
  PENDING_CONFIRMATION: "Waiting for you",
  PROCESSING: "Being decided",
  DECLINED: "Declined",
  REJECTED_BY_CUSTOMER: "You said no",
  EXPIRED: "Not confirmed in time",
  VOIDED: "Cancelled by the store",
  REFUNDED: "Refunded",
  PARTIALLY_REFUNDED: "Partly refunded",
};

export const paymentWords = (status: string): string => PAYMENT_WORDS[status] ?? statusWords(status);
