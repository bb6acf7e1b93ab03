import type { Payment } from "@clients/common";
import { useEffect, useState } from "preact/hooks";
import { idempotencyKey } from "../shared/errors";
import { money } from "../shared/format";
import { Problem } from "../shared/problem";
import { CodeInput } from "../shared/scanner";
import { errorWords } from "../shared/words";
import { CaptureRelease } from "./CaptureRelease";
import { RefundAsk } from "./RefundAsk";
import type { RegisterSession } from "./session";
import { PaymentVerdict, RefusedVerdict } from "./Verdict";
import { rw } from "./register-words";

type State =
  | { step: "ready" }
  | { step: "charging" }
  | { step: "waiting"; payment: Payment }
  | { step: "done"; payment: Payment; asking?: boolean }
  | { step: "refused"; reason: string };

/**
 * A sale: the amount, then the customer's code (camera or typed) charges it. When the
 * phone must confirm, the register waits, told live, and can cancel (voidPayment). The
 * verdict fills the screen (Verdict.tsx); a refund is asked first (RefundAsk.tsx).
 */
export function Sale({ session }: { session: RegisterSession }) {
  const [amount, setAmount] = useState("");
  const [state, setState] = useState<State>({ step: "ready" });
  const [problem, setProblem] = useState<string | null>(null);
  // Authorize now, capture later (a fuel pump, a hotel, a rental): the sale ends AUTHORIZED.
  const [later, setLater] = useState(false);
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
      setProblem(rw.amountFirst);
      return;
    }
    setProblem(null);
    setState({ step: "charging" });
    try {
      const sale = { amount: value, currency: session.currency };
      const payment = later ? await session.client.authorizeCode(code, sale, idempotencyKey()) : await session.client.redeemCode(code, sale, idempotencyKey());
      setState(payment.status === "PENDING_CONFIRMATION" ? { step: "waiting", payment } : { step: "done", payment });
    } catch (error) {
      setState({ step: "refused", reason: errorWords(error, session.currency) });
    }
  };
  const cancel = async (payment: Payment) => {
    try {
      setState({ step: "done", payment: await session.client.voidPayment(payment.id, idempotencyKey()) });
    } catch (error) {
      setProblem(errorWords(error, session.currency));
    }
  };
  const next = () => {
    setAmount("");
    setLater(false);
    setProblem(null);
    setState({ step: "ready" });
  };

  return (
    <section aria-labelledby="sale-title">
      <h2 id="sale-title">{rw.sale}</h2>
      <Problem text={problem} />
      {(state.step === "ready" || state.step === "charging") && (
        <>
          <label>
            {rw.amount(session.currency)}
            <input type="number" inputMode="numeric" min="1" step="1" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} name="amount" />
          </label>
          <label class="check">
            <input type="checkbox" name="authorize-only" checked={later} onChange={(e) => setLater(e.currentTarget.checked)} />
            {rw.authorizeOnly}
          </label>
          <CodeInput label={rw.typeCustomerCode} onCode={charge} busy={state.step === "charging"} />
          {state.step === "charging" && <p aria-live="polite">{rw.charging}</p>}
        </>
      )}
      {state.step === "waiting" && (
        <div class="panel waiting" role="status" aria-live="polite">
          <p class="amount">{money(state.payment.amount, state.payment.currency)}</p>
          <p>{rw.waitingPhone}</p>
          <button type="button" class="danger" onClick={() => cancel(state.payment)}>
            {rw.cancelSale}
          </button>
        </div>
      )}
      {state.step === "refused" && (
        <RefusedVerdict
          reason={state.reason}
          amount={Number(amount) > 0 ? money(Number(amount), session.currency) : null}
          onAgain={() => setState({ step: "ready" })}
          onNext={next}
        />
      )}
      {state.step === "done" && (
        <PaymentVerdict
          payment={state.payment}
          onRefund={
            state.payment.status === "APPROVED" || state.payment.status === "PARTIALLY_REFUNDED"
              ? () => setState({ step: "done", payment: state.payment, asking: true })
              : undefined
          }
          onNext={next}
        >
          {state.payment.status === "AUTHORIZED" && <CaptureRelease session={session} payment={state.payment} onDone={(payment) => setState({ step: "done", payment })} />}
        </PaymentVerdict>
      )}
      {state.step === "done" && state.asking && (
        <RefundAsk
          session={session}
          payment={state.payment}
          onDone={(payment) => setState({ step: "done", payment })}
          onCancel={() => setState({ step: "done", payment: state.payment })}
        />
      )}
    </section>
  );
}
