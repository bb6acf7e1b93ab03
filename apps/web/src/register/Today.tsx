import { useState } from "preact/hooks";
import { errorText, idempotencyKey } from "../shared/errors";
import { money, when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import type { RegisterSession } from "./Register";

/**
 * The store's recent payments (each refundable) and the bills it collected today. The
 * day's full report needs the server's storeReport, which is not built yet.
 */
export function Today({ session }: { session: RegisterSession }) {
  const today = new Date().toLocaleDateString("sv"); // YYYY-MM-DD in this register's time zone
  const payments = useLoad(() => session.client.payments(20), [session]);
  const bills = useLoad(() => session.client.collectedBills(today), [session]);
  const [problem, setProblem] = useState<string | null>(null);
  const refund = async (id: string) => {
    try {
      await session.client.refundPayment(id, idempotencyKey());
      payments.reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">Today</h2>
      <p class="note">The day's report (totals by card and tender) comes with the server's store report, not built yet.</p>
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
