import { money, when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { paymentWords, phoneErrorWords, pw } from "./phone-words";
import { ReceiptEntry } from "./receipt-view";
import type { PhoneSession } from "./session";

/** The customer's payments, newest first; a refund shows on the payment it gave back; each receipt checked (receipt-view.tsx). */
export function History({ session }: { session: PhoneSession }) {
  const { value, problem } = useLoad(() => session.client.payments(30), [session], phoneErrorWords);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">{pw.loadingPayments}</p>;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{pw.historyTitle}</h2>
      {value.nodes.length === 0 && <p>{pw.noPayments}</p>}
      <ul class="list">
        {value.nodes.map((payment) => (
          <li key={payment.id} class={`payment status-${payment.status.toLowerCase()}`}>
            <div>
              <strong>{payment.storeName}</strong>
              <br />
              <small>
                {when(payment.createdAt)} · {payment.card.brand} •••• {payment.card.last4}
              </small>
              {payment.receipt && <ReceiptEntry json={payment.receipt.json} />}
            </div>
            <div class="end">
              <span class={payment.status === "REFUNDED" || payment.status === "VOIDED" ? "refunded" : ""}>{money(payment.amount, payment.currency)}</span>
              <br />
              <small>{paymentWords(payment.status)}</small>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
