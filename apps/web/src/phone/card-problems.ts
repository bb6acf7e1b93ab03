import { WalletApiError } from "@clients/common";
import { phoneErrorWords, pw } from "./phone-words";

/**
 * The server's refusal of a card, in the words a person holding the card understands,
 * and the field it is about (so the form can point at it). Anything not about the card
 * falls back to the shared wording.
 */
export function cardProblem(error: unknown): { field: string | null; text: string } {
  if (!(error instanceof WalletApiError)) return { field: null, text: phoneErrorWords(error) };
  const field = typeof error.extensions.field === "string" ? error.extensions.field : null;
  if (error.code === "NOT_FOUND") return { field: null, text: pw.cardGone };
  if (error.code !== "BAD_USER_INPUT") return { field, text: phoneErrorWords(error) };
  if (/already in the wallet/.test(error.message)) return { field: "pan", text: pw.cardDuplicate };
  if (/expired/.test(error.message)) return { field: "expiry", text: pw.cardExpired };
  const byField = pw.cardField as Record<string, string | undefined>;
  return { field, text: (field && byField[field]) || error.message };
}
