import { useEffect, useRef } from "preact/hooks";
import { signalVerdict } from "../shared/signal";
import { rw } from "./register-words";

/**
 * A bill collection's end as the sale's verdict shows it (Verdict.tsx): the screen filled
 * green (collected) or red (not collected) with the reason in words, a beep and a
 * vibration as it appears, and one big button to go on to the next bill.
 */
export function BillVerdict({
  ok,
  reason,
  amount,
  details,
  onNext,
}: {
  ok: boolean;
  reason: string;
  amount: string;
  details: string;
  onNext: () => void;
}) {
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    signalVerdict(ok);
    next.current?.focus();
  }, []);
  const tone = ok ? "ok" : "bad";
  return (
    <div class={`verdict register-verdict ${tone}`} role="alert" data-testid="verdict" data-tone={tone}>
      <p class="big-word">{ok ? rw.billCollected : rw.billNotCollected}</p>
      <p class="reason">{reason}</p>
      <p class="amount">{amount}</p>
      <p>{details}</p>
      <button ref={next} type="button" class="big" onClick={onNext}>
        {rw.nextBill}
      </button>
    </div>
  );
}
