import type { Payment } from "@clients/common";
import { useEffect, useState } from "preact/hooks";
import { errorText, idempotencyKey } from "../shared/errors";
import { money } from "../shared/format";
import { CodeInput } from "../shared/scanner";
import type { RegisterSession } from "./session";
import { Problem } from "../shared/problem";

type State =
  | { step: "ready" }
  | { step: "charging" }
  | { step: "waiting"; payment: Payment }
  | { step: "done"; payment: Payment };

/**
 * A sale: the amount, then the customer's code (camera or typed) charges it. When the
 * phone must confirm, the register waits, told live, and can cancel (voidPayment).
 */
export function Sale({ session }: { session: RegisterSession }) {
  const [amount, setAmount] = useState("");
  const [state, setState] = useState<State>({ step: "ready" });
  const [problem, setProblem] = useState<string | null>(null);
  const waitingId = state.step === "waiting" ? state.payment.id : null;
  useEffect(() => {
    if (!waitingId) return;
    const hear = (payment: Payment) => payment.id === waitingId && payment.status !== "PENDING_CONFIRMATION" && setState({ step: "done", payment });
    const known = session.updates.get(waitingId);
    if (known) hear(known);
    session.listeners.add(hear);
    return () => void session.listeners.delete(hear);
  }, [waitingId]);

  const charge = async (code: string) => {
    const value = Number(amount);
    if (!Number.isInteger(value) || value <= 0) {
      setProblem("Enter the amount first (a whole number in the currency's smallest unit).");
      return;
    }
    setProblem(null);
    setState({ step: "charging" });
    try {
      const payment = await session.client.redeemCode(code, { amount: value, currency: session.currency }, idempotencyKey());
      setState(payment.status === "PENDING_CONFIRMATION" ? { step: "waiting", payment } : { step: "done", payment });
    } catch (error) {
      setProblem(errorText(error));
      setState({ step: "ready" });
    }
  };
  const act = async (run: () => Promise<Payment>) => {
    try {
      setState({ step: "done", payment: await run() });
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const next = () => {
    setAmount("");
    setProblem(null);
    setState({ step: "ready" });
  };

  return (
    <section aria-labelledby="sale-title">
      <h2 id="sale-title">Sale</h2>
      <Problem text={problem} />
      {(state.step === "ready" || state.step === "charging") && (
        <>
          <label>
            Amount ({session.currency})
            <input type="number" inputMode="numeric" min="1" step="1" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} name="amount" />
          </label>
          <CodeInput label="Or type the customer's code" onCode={charge} busy={state.step === "charging"} />
          {state.step === "charging" && <p aria-live="polite">Charging…</p>}
        </>
      )}
      {state.step === "waiting" && (
        <div class="panel waiting" role="status" aria-live="polite">
          <p class="amount">{money(state.payment.amount, state.payment.currency)}</p>
          <p>Waiting for the customer to confirm on their phone…</p>
          <button type="button" class="danger" onClick={() => act(() => session.client.voidPayment(state.payment.id, idempotencyKey()))}>
            Cancel the sale
          </button>
        </div>
      )}
      {state.step === "done" && <Outcome payment={state.payment} onRefund={() => act(() => session.client.refundPayment(state.payment.id, idempotencyKey()))} onNext={next} />}
    </section>
  );
}

const OUTCOME: Record<string, string> = {
  APPROVED: "Approved",
  DECLINED: "Declined",
  REJECTED_BY_CUSTOMER: "The customer rejected it",
  EXPIRED: "Not confirmed in time",
  VOIDED: "Cancelled",
  REFUNDED: "Refunded",
  PROCESSING: "Still processing: ask again in a moment",
  PENDING_CONFIRMATION: "Waiting for the customer",
};

function Outcome({ payment, onRefund, onNext }: { payment: Payment; onRefund: () => void; onNext: () => void }) {
  const approved = payment.status === "APPROVED";
  return (
    <div class={`panel outcome ${approved ? "ok" : "bad"}`} role="status" aria-live="polite">
      <p class="big-word">{OUTCOME[payment.status]}</p>
      <p class="amount">{money(payment.amount, payment.currency)}</p>
      <p>
        {payment.card.brand} •••• {payment.card.last4}
        {payment.approvalNumber && (
          <>
            {" "}
            · approval number <strong data-testid="approval-number">{payment.approvalNumber}</strong>
          </>
        )}
        {payment.declineReason ? ` · ${payment.declineReason}` : ""}
      </p>
      {payment.customerNumber && (
        <p>
          Customer number <strong data-testid="customer-number">{payment.customerNumber}</strong>
        </p>
      )}
      <div class="row">
        {approved && (
          <button type="button" class="danger" onClick={onRefund}>
            Refund
          </button>
        )}
        <button type="button" class="primary" onClick={onNext}>
          Next sale
        </button>
      </div>
    </div>
  );
}
