import { WalletApiError } from "@clients/common";
import { catalog } from "../shared/i18n";
import { errorWords, statusWords } from "../shared/words";
import { en } from "./phone.en";
import { ja } from "./phone.ja";

/** The phone's words in the chosen language (phone.en.ts, phone.ja.ts). */
export const pw = catalog(en, ja);

/** The server's rule (src/services/kernel/validation.ts requirePassword), shown before anyone fails it. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const passwordRule = () => pw.passwordRule(PASSWORD_MIN, PASSWORD_MAX);

const lookup = (table: object, key: string): string | undefined => (table as Record<string, string | undefined>)[key];

/** What a field the server refused means, in words. */
function fieldWords(field: string): string | undefined {
  return field === "password" ? pw.field.password(PASSWORD_MIN, PASSWORD_MAX) : lookup(pw.field, field);
}

/** A wait in words: "40 seconds", "12 minutes", "an hour". */
export function waitWords(seconds: number): string {
  if (seconds < 60) return pw.seconds(seconds);
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return pw.minutes(minutes);
  const hours = Math.round(minutes / 60);
  return hours === 1 ? pw.anHour : pw.hours(hours);
}

/**
 * A failure as one sentence for the person holding the phone: the phone's own words
 * ("you", "your card") where it has them, else the shared words, so no message shows an
 * internal code.
 */
export function phoneErrorWords(error: unknown): string {
  if (error instanceof WalletApiError) {
    if (error.code === "RATE_LIMITED" || error.code === "HTTP_429") {
      const seconds = Number(error.extensions.retryAfterSeconds);
      return seconds > 0 ? pw.tooManyTryIn(waitWords(seconds)) : pw.tooMany;
    }
    // A wrong payment PIN comes back as a wrong password, with the tries it has left.
    const left = error.extensions.attemptsLeft;
    if (error.code === "INVALID_PASSWORD" && typeof left === "number") return pw.pinWrong(left);
    if (error.code === "CARD_NOT_AVAILABLE" && error.extensions.expired === true) return pw.cardPastExpiry;
    const field = error.extensions.field;
    const forField = error.code === "BAD_USER_INPUT" && typeof field === "string" ? fieldWords(field) : undefined;
    if (forField) return forField;
    const own = lookup(pw.error, error.code);
    if (own) return own;
  }
  return errorWords(error);
}

/** Every payment status as the customer reads it about their own payment. */
export const paymentWords = (status: string): string => lookup(pw.payment, status) ?? statusWords(status);
