import { WalletApiError } from "@clients/common";
import { money } from "./format";
import { catalog } from "./i18n";
import { en } from "./words.en";
import { ja } from "./words.ja";

/**
 * What a person reads instead of the server's internal codes, in the chosen language:
 * every decline reason, every ErrorCode of api/contract.graphql, every payment status
 * (the tables are in words.en.ts and words.ja.ts).
 */
export const words = catalog(en, ja);

const lookup = (table: object, key: string): string | undefined => (table as Record<string, string | undefined>)[key];

/** A decline reason in words; one the list does not know yet still reads as a sentence. */
export const declineWords = (reason: string | null | undefined): string =>
  reason ? (lookup(words.decline, reason) ?? words.declinedOther(reason.replace(/_/g, " "))) : words.declinedNoReason;

export const statusWords = (status: string): string => lookup(words.status, status) ?? status.toLowerCase().replace(/_/g, " ");

/** The sentence for an error code, or undefined where the table has none. */
export const errorCodeWords = (code: string): string | undefined => lookup(words.error, code);

/** A failure as one sentence, with what the server said only where it adds a fact (how much is left, what field). */
export function errorWords(error: unknown, currency?: string): string {
  if (error instanceof WalletApiError) {
    const refundable = error.extensions.refundable;
    if (error.code === "BAD_USER_INPUT" && typeof refundable === "number" && currency) {
      return words.refundAtMost(money(refundable, currency));
    }
    const status = error.extensions.status;
    if (error.code === "BAD_USER_INPUT" && typeof status === "string") return words.paymentIsNow(statusWords(status));
    if (error.code === "BAD_USER_INPUT") return words.notAccepted(error.message);
    return errorCodeWords(error.code) ?? (/^HTTP_5/.test(error.code) ? words.error.INTERNAL_SERVER_ERROR : error.message);
  }
  if (error instanceof TypeError) return words.unreachable;
  return error instanceof Error ? error.message : String(error);
}
