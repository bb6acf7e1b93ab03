import type { Payment } from "@clients/common";
import { useState } from "preact/hooks";
import { hhmm, longDay, money } from "../shared/format";
import { rw } from "./register-words";
import { useLoad } from "../shared/use-load";
import { statusWords } from "../shared/words";
import { CaptureRelease } from "./CaptureRelease";
import { RefundAsk } from "./RefundAsk";
import type { RegisterSession } from "./session";
import { dayIn, paymentsOfDay } from "./store-day";

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
  // The authorized sale whose capture or release is open (a hotel's check-out, a returned car).
  const [deciding, setDeciding] = useState<string | null>(null);
  const dateWords = longDay(new Date(), zone);
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">{rw.todayTitle(dateWords)}</h2>
      {report.problem && <p class="problem">{report.problem}</p>}
      {report.value && (
        <dl class="totals" aria-label={rw.totals}>
          <dt>{rw.paymentsApproved}</dt>
          <dd>
            {report.value.paymentsApproved} · {money(report.value.amountApproved, report.value.currency)}
          </dd>
          <dt>{rw.refunded}</dt>
          <dd>{money(report.value.amountRefunded, report.value.currency)}</dd>
          <dt>{rw.voided}</dt>
          <dd>{money(report.value.amountVoided, report.value.currency)}</dd>
          <dt>{rw.billsCollected}</dt>
          <dd>{report.value.billsCollected}</dd>
          <dt>{rw.cashToHand}</dt>
          <dd>
            <strong>{money(report.value.cashCollected, report.value.currency)}</strong>
          </dd>
          <dt>{rw.points}</dt>
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
      <h3>{rw.paymentsToday}</h3>
      {payments.problem && (
        <p role="alert" class="problem">
          {payments.problem}
        </p>
      )}
      {payments.value?.payments.length === 0 && <p class="empty">{rw.noPaymentsToday}</p>}
      <ul class="list" aria-label={rw.paymentsToday}>
        {payments.value?.payments.map((payment) => (
          <li key={payment.id}>
            <div>
              {money(payment.amount, payment.currency)} · <span data-testid="payment-status">{statusWords(payment.status)}</span>
              {payment.refundedAmount > 0 && payment.status !== "REFUNDED" && rw.back_(money(payment.refundedAmount, payment.currency))}
              <br />
              <small>
                {hhmm(payment.createdAt, zone)} · {payment.card.brand} •••• {payment.card.last4}
                {payment.approvalNumber ? rw.approval(payment.approvalNumber) : ""}
              </small>
            </div>
            {(payment.status === "APPROVED" || payment.status === "PARTIALLY_REFUNDED") && (
              <button type="button" onClick={() => (setRefunded(null), setAsking(payment))} aria-label={rw.refundAt(money(payment.amount, payment.currency), hhmm(payment.createdAt, zone))}>
                {rw.refundOpen}
              </button>
            )}
            {payment.status === "AUTHORIZED" && deciding !== payment.id && (
              <button type="button" onClick={() => (setRefunded(null), setDeciding(payment.id))} aria-label={rw.releaseAt(money(payment.amount, payment.currency), hhmm(payment.createdAt, zone))}>
                {rw.captureOpen}
              </button>
            )}
            {payment.status === "AUTHORIZED" && deciding === payment.id && (
              <CaptureRelease
                session={session}
                payment={payment}
                onDone={(decided) => {
                  setDeciding(null);
                  setRefunded(decided.status === "RELEASED" ? rw.releasedNotice : rw.capturedNotice(money(decided.amount, decided.currency)));
                  payments.reload();
                  report.reload();
                }}
              />
            )}
          </li>
        ))}
      </ul>
      {payments.value?.more && <p class="note">{rw.onlyLatest(payments.value.payments.length)}</p>}
      <h3>{rw.billsToday}</h3>
      {bills.problem && <p class="problem">{bills.problem}</p>}
      {bills.value?.length === 0 && <p class="empty">{rw.noBillsToday}</p>}
      <ul class="list">
        {bills.value?.map((bill) => (
          <li key={bill.id}>
            {bill.billerName} · {money(bill.amount, bill.currency)} · {bill.tender === "CASH" ? rw.tender.CASH : bill.tender === "CARD" ? rw.tender.CARD : ""}
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
            setRefunded(rw.refundedNotice(money(payment.refundedAmount - asking.refundedAmount, payment.currency)));
            payments.reload();
            report.reload();
          }}
        />
      )}
    </section>
  );
}
