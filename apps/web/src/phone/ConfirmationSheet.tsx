import type { ConfirmationRequest } from "@clients/phone";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { money } from "../shared/format";
import { follow } from "../shared/live";
import { withKey, type PhoneSession } from "./session";
import { Problem } from "../shared/problem";

/**
 * A store asks this phone to confirm a payment (over the customer's limit, or a request
 * without a code): the sheet comes up live, over whatever is on screen, and the answer is
 * signed by the device key.
 */
export function ConfirmationSheet({ session }: { session: PhoneSession }) {
  const [requests, setRequests] = useState<ConfirmationRequest[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const approveButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const add = (request: ConfirmationRequest) => setRequests((all) => (all.some((r) => r.id === request.id) ? all : [...all, request]));
    const stop = follow(session.client.confirmationRequests(), add);
    session.client.pendingConfirmations().then((pending) => pending.forEach(add), () => {});
    return stop;
  }, [session]);
  const request = requests[0];
  useEffect(() => approveButton.current?.focus(), [request?.id]);
  if (!request) return null;
  const { payment } = request;
  const answer = async (approve: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      await withKey(session, (key) => session.client.respondToConfirmation(request.id, approve, key));
      setRequests((all) => all.filter((r) => r.id !== request.id));
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sheet-backdrop">
      <section class="sheet" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">Confirm this payment?</h2>
        <p class="amount">{money(payment.amount, payment.currency)}</p>
        <p>
          at <strong>{payment.storeName}</strong> on {payment.card.brand} •••• {payment.card.last4}
        </p>
        <Problem text={problem} />
        <div class="row">
          <button type="button" class="primary" ref={approveButton} disabled={busy} onClick={() => answer(true)}>
            Approve
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => answer(false)}>
            Reject
          </button>
        </div>
      </section>
    </div>
  );
}
