import { useState } from "preact/hooks";
import { errorText, idempotencyKey } from "../shared/errors";
import { money, when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import type { RegisterSession } from "./session";

/**
 * The store's day: its totals (the server's storeReport, in the store's time zone), its
 * recent payments (each refundable) and the bills it collected, so a cashier can close
 * the till from this screen.
 */
export function Today({ session }: { session: RegisterSession }) {
  const today = new Date().toLocaleDateString("sv"); // YYYY-MM-DD in this register's time zone
  const payments = useLoad(() => session.client.payments(20), [session]);
  const bills = useLoad(() => session.client.collectedBills(today), [session]);
  const report = useLoad(() => session.client.storeReport(today), [session]);
  const [problem, setProblem] = useState<string | null>(null);
  const refund = async (id: string) => {
    try {
      await session.client.refundPayment(id, idempotencyKey());
      payments.reload();
      report.reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">Today</h2>
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
      {(problem ?? payments.problem) && (
        <p role="alert" class="problem">
          {problem ?? payments.problem}
        </p>
      )}
      <h3>Payments</h3>
      <ul class="list">
        {payments.value?.nodes.map((payment) => (
          <li key={payment.id}>
            <div>
              {money(payment.amount, payment.currency)} · {payment.status.toLowerCase().replace(/_/g, " ")}
              <br />
              <small>
                {when(payment.createdAt)} {payment.approvalNumber ? `· approval ${payment.approvalNumber}` : ""}
              </small>
            </div>
            {payment.status === "APPROVED" && (
              <button type="button" onClick={() => refund(payment.id)}>
                Refund
              </button>
            )}
          </li>
        ))}
      </ul>
      <h3>Bills collected today</h3>
      {bills.problem && <p class="problem">{bills.problem}</p>}
      <ul class="list">
        {bills.value?.map((bill) => (
          <li key={bill.id}>
            {bill.billerName} · {money(bill.amount, bill.currency)} · {bill.tender?.toLowerCase()}
          </li>
        ))}
      </ul>
    </section>
  );
}
