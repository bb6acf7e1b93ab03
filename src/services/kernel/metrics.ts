import type { PaymentStatus } from "../../entities/value-lists";

/** Why an authorization is reversed: no answer in time, a crash left it, or the register voided the sale. */
export type ReversalReason = "timeout" | "recovery" | "void" | "missing";

/**
 * What the services tell the operator's metrics about the events they decide. The
 * services know nothing of how it is counted or exposed (src/metrics/ implements it);
 * every call is a counter's increment, cheap enough for the redeem path.
 */
export interface ServiceMetrics {
  /** A redeem ended with this payment: its status, and the reason when declined. */
  redeemed(status: PaymentStatus, declineReason: string | null): void;
  /** A reversal was committed to the outbox. */
  reversalQueued(reason: ReversalReason): void;
  /** An unanswered confirmation request was expired (by the sweep, or found expired when answered). */
  confirmationExpired(): void;
}

/** For services built without a server around them (tests of the rules alone). */
export const noMetrics: ServiceMetrics = {
  redeemed() {},
  reversalQueued() {},
  confirmationExpired() {},
};
