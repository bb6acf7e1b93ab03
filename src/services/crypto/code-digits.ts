import { randomInt } from "node:crypto";
import { luhnCheckDigit, luhnValid } from "./luhn";

/**
 * PAYMENT, MEMBER and BILL codes: 19 digits from a CSPRNG and a Luhn check digit,
 * 20 digits in all, so a clerk can key one in and a typo is caught before any lookup.
 * 19 random digits are ~63 bits: guessing a live code is hopeless under the rate limits.
 */
export const CODE_LENGTH = 20;

export function newCodeDigits(): string {
  let body = "";
  for (let i = 0; i < CODE_LENGTH - 1; i++) body += String(randomInt(10));
  return body + luhnCheckDigit(body);
}

export const isWellFormedCode = (code: string): boolean =>
  code.length === CODE_LENGTH && luhnValid(code);

/**
 * A code as it was typed: the phone shows a digit code in groups of four, and a clerk
 * keys it in with spaces or hyphens, so those go. Anything that is not digits with
 * spaces and hyphens (an offline token, a ticket code: base64url, where "-" counts) is
 * only trimmed.
 */
export function typedCode(code: string): string {
  const trimmed = code.trim();
  return /^\d[\d\s-]*\d$/.test(trimmed) ? trimmed.replace(/[\s-]/g, "") : trimmed;
}
