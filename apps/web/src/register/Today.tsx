import type { Payment } from "@clients/common";
import { useState } from "preact/hooks";
import { money } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { statusWords } from "../shared/words";
import { RefundAsk } from "./RefundAsk";
import type { RegisterSession } from "./session";
import { dayIn, paymentsOfDay, timeIn } from "./store-day";

/**
 * The store's day, today only, in the store's time zone: its totals (the server's
 * storeReport), today's payments (each refundable, asked first) and the bills it
 * collected, so a cashier can close the till from this screen.
 */
export function Today({ session }: { session: RegisterSession }) {
  const zone = session.store.timeZone;
  const today = dayIn(zone);
  const payments = useLoad(() => paymentsOfDay(session.client, zone, today), [session, today]);
  const bills = useLoad(() => session.client.collectedBills(today), [session, today]);
  const report = useLoad(() => session.client.storeReport(today), [session, today]);
  const [asking, setAsking] = useState<Payment | null>(null);
  const [refunded, setRefunded] = useState<string | null>(null);
  const dateWords = new Date().toLocaleDateString(undefined, { timeZone: zone, weekday: "long", day: "numeric", month: "long" });
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">Today, {dateWords}</h2>
      {report.problem && <p class="problem">{report.problem}</p>}
      {report.value && (
        <dl class="totals" aria-label="The day's totals">
          <dt>Payments approved</dt>
          <dd>
            {report.value.paymentsApproved} · {money(report.value.amountApproved, report.value.currency)}
          </dd>
          <dt>Refunded</dt>
          <dd>{money(report.value.amountRefunded, report.value.currency)}</dd>
          <dt>Voided</dt>
          <dd>{money(report.value.amountVoided, report.value.currency)}</dd>
          <dt>Bills collected</dt>
          <dd>{report.value.billsCollected}</dd>
          <dt>Cash to hand over</dt>
          <dd>
            <strong>{money(report.value.cashCollected, report.value.currency)}</strong>
          </dd>
          <dt>Points issued · redeemed</dt>
          <dd>
            {report.value.pointsIssued} · {report.value.pointsRedeemed}
          </dd>
        </dl>
      )}
      {refunded && (
        <p role="status" class="notice ok">
          {refunded}
        </p>
      )}
      <h3>Payments today</h3>
      {payments.problem && (
        <p role="alert" class="problem">
          {payments.problem}
        </p>
      )}
      {payments.value?.payments.length === 0 && <p class="empty">No payments yet today.</p>}
      <ul class="list" aria-label="Payments today">
        {payments.value?.payments.map((payment) => (
          <li key={payment.id}>
            <div>
              {money(payment.amount, payment.currency)} · <span data-testid="payment-status">{statusWords(payment.status)}</span>
              {payment.refundedAmount > 0 && payment.status !== "REFUNDED" && <> ({money(payment.refundedAmount, payment.currency)} back)</>}
              <br />
              <small>
                {timeIn(zone, payment.createdAt)} · {payment.card.brand} •••• {payment.card.last4}
                {payment.approvalNumber ? ` · approval ${payment.approvalNumber}` : ""}
              </small>
            </div>
            {(payment.status === "APPROVED" || payment.status === "PARTIALLY_REFUNDED") && (
              <button type="button" onClick={() => (setRefunded(null), setAsking(payment))} aria-label={`Refund ${money(payment.amount, payment.currency)} at ${timeIn(zone, payment.createdAt)}`}>
                Refund…
              </button>
            )}
          </li>
        ))}
      </ul>
      {payments.value?.more && <p class="note">Only the latest {payments.value.payments.length} are listed.</p>}
      <h3>Bills collected today</h3>
      {bills.problem && <p class="problem">{bills.problem}</p>}
      {bills.value?.length === 0 && <p class="empty">No bills collected yet today.</p>}
      <ul class="list">
        {bills.value?.map((bill) => (
          <li key={bill.id}>
            {bill.billerName} · {money(bill.amount, bill.currency)} · {bill.tender === "CASH" ? "cash" : bill.tender === "CARD" ? "card" : ""}
          </li>
        ))}
      </ul>
      {asking && (
        <RefundAsk
          session={session}
          payment={asking}
          onCancel={() => {
            setAsking(null);
            payments.reload(); // another till may have changed it meanwhile
          }}
          onDone={(payment) => {
            setAsking(null);
            setRefunded(`Refunded: ${money(payment.refundedAmount - asking.refundedAmount, payment.currency)} given back to the card.`);
            payments.reload();
            report.reload();
          }}
        />
      )}
    </section>
  );
}
