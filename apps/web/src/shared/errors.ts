import { WalletApiError } from "@clients/common";
import { words } from "./words";

/** What to tell a person about a failure: the server's message with its code, or a network hint. */
export function errorText(error: unknown): string {
  if (error instanceof WalletApiError) return `${error.message} (${error.code})`;
  if (error instanceof TypeError) return words.unreachable;
  return error instanceof Error ? error.message : String(error);
}

/** The request never reached the server (fetch rejects with a TypeError), as opposed to an answer refusing it. */
export const isNetworkFailure = (error: unknown): boolean => !(error instanceof WalletApiError) && error instanceof TypeError;

/** A random key for one sale or refund, so a retry of the same action is not done twice. */
export const idempotencyKey = () => crypto.randomUUID();
