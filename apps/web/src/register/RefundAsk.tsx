import { WalletApiError, type Payment } from "@clients/common";
import { useEffect, useRef, useState } from "preact/hooks";
import { idempotencyKey } from "../shared/errors";
import { money } from "../shared/format";
import { useModal } from "../shared/modal";
import { Problem } from "../shared/problem";
import { errorWords } from "../shared/words";
import type { RegisterSession } from "./session";
import { rw } from "./register-words";

type Refundable = Pick<Payment, "id" | "amount" | "currency" | "refundedAmount">;

/**
 * A refund is asked first: the sale's amount, what is left to give back, and the amount
 * to give now (all that is left, or less). Nothing is refunded until "Refund ¥…" is
 * pressed here; one idempotency key per dialog, so a retry after a network failure is
 * the same refund, never a second one.
 */
export function RefundAsk({
  session,
  payment,
  onDone,
  onCancel,
}: {
  session: RegisterSession;
  payment: Refundable;
  onDone: (refunded: Payment) => void;
  onCancel: () => void;
}) {
  const left = payment.amount - payment.refundedAmount;
  const [amount, setAmount] = useState(String(left));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(idempotencyKey());
  const field = useRef<HTMLInputElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useModal(dialog);
  useEffect(() => field.current?.focus(), []);
  const value = Number(amount);
  const valid = Number.isInteger(value) && value >= 1 && value <= left;
  const refund = async () => {
    if (!valid) {
      setProblem(rw.refundRange(money(1, payment.currency), money(left, payment.currency)));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      onDone(await session.client.refundPayment(payment.id, key.current, value));
    } catch (error) {
      // The server answered no: nothing was refunded, so a changed amount is a new request.
      // A network failure keeps the key: the refund may have been made, and a retry must not make another.
      if (error instanceof WalletApiError) key.current = idempotencyKey();
      setProblem(errorWords(error, payment.currency));
      setBusy(false);
    }
  };
  return (
    <div class="sheet-backdrop" onKeyDown={(event) => event.key === "Escape" && onCancel()}>
      <div class="sheet refund-ask" role="dialog" ref={dialog} aria-modal="true" aria-labelledby="refund-title">
        <h2 id="refund-title">{rw.refundTitle}</h2>
        <p>
          {rw.paid}
          <strong>{money(payment.amount, payment.currency)}</strong>
          {payment.refundedAmount > 0 && rw.alreadyRefunded(money(payment.refundedAmount, payment.currency))}
        </p>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void refund();
          }}
        >
          <label>
            {rw.refundAmount(payment.currency, money(left, payment.currency))}
            <input
              ref={field}
              name="refund-amount"
              type="number"
              inputMode="numeric"
              min="1"
              max={left}
              step="1"
              required
              value={amount}
              onInput={(e) => setAmount(e.currentTarget.value)}
            />
          </label>
          <Problem text={problem} />
          <div class="row">
            <button type="button" onClick={onCancel} disabled={busy}>
              {rw.keepPayment}
            </button>
            <button type="submit" class="danger" disabled={busy}>
              {valid ? rw.refundThis(money(value, payment.currency)) : rw.refund}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
