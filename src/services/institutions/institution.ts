/**
 * A card institution (card company or bank acquirer). Every connector, and the built-in
 * simulator, speaks this interface. Calls are keyed by our payment id, so repeating one
 * after a timeout or crash is safe.
 */
export interface AuthorizationRequest {
  paymentId: string;
  pan: string;
  expiryMonth: number;
  expiryYear: number;
  amount: number;
  currency: string;
  merchantName: string;
  /**
   * False: authorize now, capture later. The institution holds the amount on the card
   * until `capture` (of at most that amount) or `release`. Absent or true: a sale.
   */
  capture?: boolean;
}

export type AuthorizationResult =
  | { approved: true; approvalNumber: string }
  | { approved: false; reason: string };

/** What happened to an approved payment, reported after the fact (sale, void, refund). */
export interface TransactionReport {
  paymentId: string;
  kind: "SALE" | "VOID" | "REFUND";
  amount: number;
  currency: string;
  approvalNumber: string;
  at: string;
  /** A refund's own id: a payment refunded in parts has one REFUND report per part. */
  refundId?: string;
}

export interface CardInstitution {
  authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult>;
  /**
   * Undo an authorization (a timeout, a crash in between, a void). Idempotent. The
   * signal ends a call the outbox has given up on, so a dead link holds no socket.
   */
  reverse(paymentId: string, signal: AbortSignal): Promise<void>;
  /** Idempotent by payment id and kind (and refund id); the signal as for reverse. */
  report(report: TransactionReport, signal: AbortSignal): Promise<void>;
  /**
   * Makes the sale of an authorization made with `capture: false`, for `amount` (at most
   * what was authorized); the rest of the hold is let go. Idempotent by payment id.
   */
  capture(paymentId: string, amount: number, signal: AbortSignal): Promise<void>;
  /** Lets an authorization made with `capture: false` go uncharged. Idempotent by payment id. */
  releaseAuthorization(paymentId: string, signal: AbortSignal): Promise<void>;
}

/** Normalized decline reasons (the institution's own codes are mapped onto these). */
export const DECLINE = {
  cardDeclined: "card_declined",
  insufficientFunds: "insufficient_funds",
  expiredCard: "expired_card",
  processingError: "processing_error",
} as const;
