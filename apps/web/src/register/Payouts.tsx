import type { PayoutFormat } from "@clients/merchant";
import { useState } from "preact/hooks";
import { money } from "../shared/format";
import { Problem } from "../shared/problem";
import { useLoad } from "../shared/use-load";
import { errorWords } from "../shared/words";
import { rw } from "./register-words";
import type { RegisterSession } from "./session";
import { addDays, dayIn } from "./store-day";

/**
 * What the center owes the store per day and card institution (storePayouts), the last
 * week by default, in the store's days; and the same as a CSV or JSON file for the books.
 */
export function Payouts({ session }: { session: RegisterSession }) {
  const today = dayIn(session.store.timeZone);
  const [from, setFrom] = useState(addDays(today, -6));
  const [to, setTo] = useState(today);
  const [asked, setAsked] = useState({ from: addDays(today, -6), to: today });
  const [problem, setProblem] = useState<string | null>(null);
  const payouts = useLoad(() => session.client.storePayouts(asked.from, asked.to), [session, asked]);
  const total = (payouts.value ?? []).reduce((sum, p) => sum + p.net, 0);

  const download = async (format: PayoutFormat) => {
    setProblem(null);
    try {
      const text = await session.client.storePayoutsExport(asked.from, asked.to, format);
      const file = new Blob([text], { type: format === "CSV" ? "text/csv" : "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(file);
      link.download = `payouts-${asked.from}-${asked.to}.${format.toLowerCase()}`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      setProblem(errorWords(error, session.currency));
    }
  };
  return (
    <section aria-labelledby="payouts-title">
      <h2 id="payouts-title">{rw.payoutsTitle}</h2>
      <form
        class="search-form"
        onSubmit={(event) => {
          event.preventDefault();
          setAsked({ from, to });
        }}
      >
        <label>
          {rw.searchFrom}
          <input type="date" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {rw.searchTo}
          <input type="date" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {rw.payoutsShow}
        </button>
      </form>
      {payouts.problem && (
        <p role="alert" class="problem">
          {payouts.problem}
        </p>
      )}
      {payouts.value?.length === 0 && <p class="empty">{rw.payoutsNone}</p>}
      {payouts.value && payouts.value.length > 0 && (
        <table class="payouts" data-testid="payouts">
          <caption>{rw.payoutsCaption(asked.from, asked.to)}</caption>
          <thead>
            <tr>
              <th scope="col">{rw.payoutDay}</th>
              <th scope="col">{rw.payoutInstitution}</th>
              <th scope="col">{rw.payoutApproved}</th>
              <th scope="col">{rw.refunded}</th>
              <th scope="col">{rw.voided}</th>
              <th scope="col">{rw.payoutNet}</th>
            </tr>
          </thead>
          <tbody>
            {payouts.value.map((p) => (
              <tr key={`${p.date} ${p.institution}`}>
                <td>{p.date}</td>
                <td>{p.institution}</td>
                <td>{money(p.amountApproved, p.currency)}</td>
                <td>{money(p.amountRefunded, p.currency)}</td>
                <td>{money(p.amountVoided, p.currency)}</td>
                <td>
                  <strong>{money(p.net, p.currency)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                {rw.payoutTotal}
              </th>
              <td data-testid="payout-total">
                <strong>{money(total, session.currency)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      )}
      <p>
        <button type="button" onClick={() => void download("CSV")}>
          {rw.downloadCsv}
        </button>{" "}
        <button type="button" onClick={() => void download("JSON")}>
          {rw.downloadJson}
        </button>
      </p>
      <Problem text={problem} />
    </section>
  );
}
