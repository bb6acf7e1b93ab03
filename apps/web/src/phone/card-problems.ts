import { WalletApiError } from "@clients/common";
import { phoneErrorWords } from "./phone-words";

/**
 * The server's refusal of a card, in the words a person holding the card understands,
 * and the field it is about (so the form can point at it). Anything not about the card
 * falls back to the shared wording.
 */
export function cardProblem(error: unknown): { field: string | null; text: string } {
  if (!(error instanceof WalletApiError)) return { field: null, text: phoneErrorWords(error) };
  const field = typeof error.extensions.field === "string" ? error.extensions.field : null;
  if (error.code === "NOT_FOUND") return { field: null, text: "This card is no longer in your wallet." };
  if (error.code !== "BAD_USER_INPUT") return { field, text: phoneErrorWords(error) };
  if (/already in the wallet/.test(error.message)) return { field: "pan", text: "This card is already in your wallet." };
  if (/expired/.test(error.message)) return { field: "expiry", text: "This card has expired. Check the month and year printed on it, or add a newer card." };
  const byField: Record<string, string> = {
    pan: "That card number is not right. Check the digits on the front of the card.",
    expiryMonth: "Choose the month printed on the card.",
    expiryYear: "Choose the year printed on the card.",
    holderName: "Write the name as it is printed on the card.",
    institution: "Write the name of the bank or card company.",
    label: "A nickname has at most 50 characters.",
  };
  return { field, text: (field && byField[field]) || error.message };
}
