import { WalletApiError, type Payment } from "@clients/common";
import { useRef, useState } from "preact/hooks";
import { idempotencyKey } from "../shared/errors";
import { money } from "../shared/format";
import { Problem } from "../shared/problem";
import { errorWords } from "../shared/words";
import type { RegisterSession } from "./session";
import { rw } from "./register-words";

type Authorized = Pick<Payment, "id" | "amount" | "currency">;

/**
 * An authorized sale (capture later): the cashier captures what was used (at most the
 * authorized amount, all of it by default) or releases it. One idempotency key per
 * action while this panel is open, so a retry after a network failure is the same
 * capture or release, never a second one.
 */
export function CaptureRelease({ session, payment, onDone }: { session: RegisterSession; payment: Authorized; onDone: (decided: Payment) => void }) {
  const most = payment.amount;
  const [amount, setAmount] = useState(String(most));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const keys = useRef({ capture: idempotencyKey(), release: idempotencyKey() });
  const value = Number(amount);
  const valid = Number.isInteger(value) && value >= 1 && value <= most;
  const act = async (which: "capture" | "release") => {
    if (which === "capture" && !valid) {
      setProblem(rw.captureRange(money(1, payment.currency), money(most, payment.currency)));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const key = keys.current[which];
      onDone(which === "capture" ? await session.client.capturePayment(payment.id, key, value) : await session.client.releaseAuthorization(payment.id, key));
    } catch (error) {
      // The server answered no: nothing moved, so another amount is a new request; a network failure keeps the key.
      if (error instanceof WalletApiError) keys.current[which] = idempotencyKey();
      setProblem(errorWords(error, payment.currency));
      setBusy(false);
    }
  };
  return (
    <form
      class="panel capture-release"
      aria-label={rw.captureTitle}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void act("capture");
      }}
    >
      <p>{rw.authorized(money(most, payment.currency))}</p>
      <label>
        {rw.captureAmount(payment.currency, money(most, payment.currency))}
        <input name="capture-amount" type="number" inputMode="numeric" min="1" max={most} step="1" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </label>
      <Problem text={problem} />
      <div class="row">
        <button type="button" class="danger" onClick={() => void act("release")} disabled={busy}>
          {rw.release}
        </button>
        <button type="submit" disabled={busy}>
          {valid ? rw.captureThis(money(value, payment.currency)) : rw.capture}
        </button>
      </div>
    </form>
  );
}
