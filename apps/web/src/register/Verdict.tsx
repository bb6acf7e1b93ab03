import type { Payment } from "@clients/common";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { money } from "../shared/format";
import { ReceiptLine } from "../shared/receipt-seal";
import { signalVerdict } from "../shared/signal";
import { declineWords, statusWords } from "../shared/words";
import { rw } from "./register-words";

/** A sale's end, as the whole screen shows it: green, red, or (a refund, a cancel) neutral. */
export type Tone = "ok" | "bad" | "calm";

const TONE: Record<string, Tone> = {
  APPROVED: "ok",
  DECLINED: "bad",
  REJECTED_BY_CUSTOMER: "bad",
  EXPIRED: "bad",
};

/** Why a payment that was not simply approved or declined ended so, in words. */
const reasonOf = (status: string): string | undefined => (rw.reason as Record<string, string | undefined>)[status];

export const toneOf = (status: string): Tone => TONE[status] ?? "calm";

/**
 * The verdict across the counter: the screen filled green (approved) or red (declined,
 * rejected, expired) with the reason in words, a beep and a vibration when it appears.
 * Refund is asked first (RefundAsk) and sits at the top, away from "Next sale".
 */
export function PaymentVerdict({
  payment,
  onRefund,
  onNext,
  children,
}: {
  payment: Payment;
  onRefund?: () => void;
  onNext: () => void;
  /** What the cashier may still do with it (an authorized sale's capture or release). */
  children?: ComponentChildren;
}) {
  const tone = toneOf(payment.status);
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (tone !== "calm") signalVerdict(tone === "ok");
    next.current?.focus();
  }, [payment.id, payment.status]);
  const reason = payment.status === "DECLINED" ? declineWords(payment.declineReason) : reasonOf(payment.status);
  return (
    <div class={`verdict register-verdict ${tone}`} role="alert" data-testid="verdict" data-tone={tone}>
      {onRefund && (
        <div class="verdict-corner">
          <button type="button" class="refund-open" onClick={onRefund}>
            {rw.refundOpen}
          </button>
        </div>
      )}
      <p class="big-word">{statusWords(payment.status)}</p>
      {reason && <p class="reason">{reason}</p>}
      <p class="amount">{money(payment.amount, payment.currency)}</p>
      {payment.refundedAmount > 0 && <p>{rw.refundedAmount(money(payment.refundedAmount, payment.currency))}</p>}
      <p>
        {payment.card.brand} •••• {payment.card.last4}
        {payment.approvalNumber && (
          <>
            {" "}
            · {rw.approvalNumber} <strong data-testid="approval-number">{payment.approvalNumber}</strong>
          </>
        )}
      </p>
      {payment.customerNumber && (
        <p>
          {rw.customerNumber} <strong data-testid="customer-number">{payment.customerNumber}</strong>
        </p>
      )}
      {payment.receipt && <ReceiptLine json={payment.receipt.json} />}
      {children}
      <button ref={next} type="button" class="big" onClick={onNext}>
        {rw.nextSale}
      </button>
    </div>
  );
}

/** A sale the server refused before any charge (an expired or used code, a limit): red, in words. */
export function RefusedVerdict({ reason, amount, onAgain, onNext }: { reason: string; amount: string | null; onAgain: () => void; onNext: () => void }) {
  const again = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    signalVerdict(false);
    again.current?.focus();
  }, [reason]);
  return (
    <div class="verdict register-verdict bad" role="alert" data-testid="verdict" data-tone="bad">
      <p class="big-word">{rw.notCharged}</p>
      <p class="reason">{reason}</p>
      {amount && <p class="amount">{amount}</p>}
      <button ref={again} type="button" class="big" onClick={onAgain}>
        {rw.tryAnother}
      </button>
      <button type="button" class="big" onClick={onNext}>
        {rw.nextSale}
      </button>
    </div>
  );
}
