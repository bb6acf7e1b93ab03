import { useState } from "preact/hooks";
import { day, money } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { phoneErrorWords, pw } from "./phone-words";
import { CodeView } from "./code-view";
import { withKey, type PhoneSession } from "./session";

/** Bills posted to this phone number; an open one shows a QR that a store collects. */
export function Bills({ session }: { session: PhoneSession }) {
  const { value, problem } = useLoad(() => session.client.bills(), [session], phoneErrorWords);
  const [showing, setShowing] = useState<string | null>(null);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">{pw.loadingBills}</p>;
  return (
    <section aria-labelledby="bills-title">
      <h2 id="bills-title">{pw.billsTitle}</h2>
      {value.length === 0 && <p>{pw.noBills}</p>}
      <ul class="list">
        {value.map((bill) => (
          <li key={bill.id} class="stack">
            <strong>
              {bill.billerName}: {money(bill.amount, bill.currency)}
            </strong>
            <span>
              {bill.description ?? bill.reference} · {pw.due(day(bill.dueDate))} · {(pw.billStatus as Record<string, string | undefined>)[bill.status] ?? bill.status.toLowerCase()}
              {bill.paidAtStore ? pw.paidAt(bill.paidAtStore) : ""}
            </span>
            {(bill.status === "OPEN" || bill.status === "OVERDUE") &&
              (showing === bill.id ? (
                <CodeView label={pw.billQr(bill.billerName)} renew={false} issue={() => withKey(session, (key) => session.client.issueBillCode(bill.id, key))} />
              ) : (
                <button type="button" onClick={() => setShowing(bill.id)}>
                  {pw.showBillCode}
                </button>
              ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
