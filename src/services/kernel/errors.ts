/**
 * The contract's ErrorCode, and the one error class services throw for an expected
 * failure. Anything else that escapes a service is a bug and is masked for the client.
 */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  NOT_FOUND = "NOT_FOUND",
  INVALID_PASSWORD = "INVALID_PASSWORD",
  /** Kept because the contract names it; never sent: guessing is slowed down, not locked (guess-throttle.ts). */
  ACCOUNT_LOCKED = "ACCOUNT_LOCKED",
  CARD_NOT_AVAILABLE = "CARD_NOT_AVAILABLE",
  CODE_INVALID = "CODE_INVALID",
  CODE_EXPIRED = "CODE_EXPIRED",
  CODE_ALREADY_USED = "CODE_ALREADY_USED",
  CODE_WRONG_KIND = "CODE_WRONG_KIND",
  AMOUNT_OVER_LIMIT = "AMOUNT_OVER_LIMIT",
  IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT",
  INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS",
  BILL_NOT_PAYABLE = "BILL_NOT_PAYABLE",
  TICKET_NOT_RELEASED = "TICKET_NOT_RELEASED",
  RATE_LIMITED = "RATE_LIMITED",
  /** A device proof whose signature does not verify with the device's key. */
  PROOF_INVALID = "PROOF_INVALID",
  /** A device proof whose payload is not the canonical text of this request (docs/device-proofs.md). */
  PROOF_MISMATCH = "PROOF_MISMATCH",
  /** A device proof whose counter is not above the last one accepted from the device. */
  PROOF_REPLAYED = "PROOF_REPLAYED",
  /** No such device among the caller's own (also the answer for another customer's). */
  DEVICE_UNKNOWN = "DEVICE_UNKNOWN",
  /** The caller's own device, revoked: register a new key. */
  DEVICE_REVOKED = "DEVICE_REVOKED",
  /** The customer already has as many active devices as allowed. */
  DEVICE_LIMIT = "DEVICE_LIMIT",
  /** This approval needs the customer verified (a passkey's assertion or the payment PIN) and none came. */
  VERIFICATION_REQUIRED = "VERIFICATION_REQUIRED",
  /** A passkey's assertion that does not verify: a used or expired challenge, no user verification, another's passkey, a counter gone back. */
  VERIFICATION_FAILED = "VERIFICATION_FAILED",
  /** Too many wrong payment PINs in a row: set it again with the password. */
  PIN_BLOCKED = "PIN_BLOCKED",
  /** The sale would take the customer's payment codes over the day's total (extensions: dailyMaxAmount, setBy). */
  DAILY_AMOUNT_LIMIT = "DAILY_AMOUNT_LIMIT",
  /** The customer's payment codes have paid as many times today as allowed (extensions: dailyMaxCount, setBy). */
  DAILY_COUNT_LIMIT = "DAILY_COUNT_LIMIT",
}

/** Extra, non-secret facts a client may act on (e.g. how long to wait). */
export type ErrorDetails = Record<string, string | number | boolean | null>;

export class WalletError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = "WalletError";
  }
}

export const fail = (code: ErrorCode, message: string, details?: ErrorDetails): never => {
  throw new WalletError(code, message, details);
};

export const badInput = (message: string, details?: ErrorDetails): never =>
  fail(ErrorCode.BAD_USER_INPUT, message, details);

export const notFound = (what: string): never => fail(ErrorCode.NOT_FOUND, `${what} not found`);

/** The one refusal every limit answers: RATE_LIMITED, with the whole seconds to wait. */
export const rateLimited = (msBeforeNext: number): WalletError =>
  new WalletError(ErrorCode.RATE_LIMITED, "Too many attempts; try again later", {
    retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  });

export const forbidden = (message = "Not allowed for this caller"): never =>
  fail(ErrorCode.FORBIDDEN, message);
