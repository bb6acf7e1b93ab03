import { WalletApiError } from "@clients/common";

/** The request never reached the server (fetch rejects with a TypeError), as opposed to an answer refusing it. */
export const isNetworkFailure = (error: unknown): boolean => !(error instanceof WalletApiError) && error instanceof TypeError;

/** A random key for one sale or refund, so a retry of the same action is not done twice. */
export const idempotencyKey = () => crypto.randomUUID();
