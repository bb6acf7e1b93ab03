import type { Card } from "@clients/phone";
import { useState } from "preact/hooks";
import { Problem } from "../shared/problem";
import { cardProblem } from "./card-problems";
import { pw } from "./phone-words";
import type { PhoneSession } from "./session";

/**
 * The renewed card's expiry, as printed on it (the number stays the same). A card past
 * its old expiry pays again with the status it had; a date already past is refused.
 */
export function UpdateExpiry({ session, card, onUpdated, onCancel }: { session: PhoneSession; card: Card; onUpdated: (card: Card) => void; onCancel: () => void }) {
  const thisYear = new Date().getFullYear();
  const [month, setMonth] = useState(String(card.expiryMonth));
  const [year, setYear] = useState(String(Math.max(card.expiryYear, thisYear)));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="panel"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setProblem(null);
        try {
          onUpdated(await session.client.updateCardExpiry(card.id, Number(month), Number(year)));
        } catch (error) {
          setProblem(cardProblem(error).text);
          setBusy(false);
        }
      }}
    >
      <h3>{pw.updateExpiryTitle(`${card.brand} •••• ${card.last4}`)}</h3>
      <p class="note">{pw.updateExpiryNote}</p>
      <fieldset class="row plain">
        <legend>{pw.validUntil}</legend>
        <label>
          {pw.month}
          <select value={month} onChange={(e) => setMonth(e.currentTarget.value)}>
            {Array.from({ length: 12 }, (_, i) => String(i + 1)).map((m) => (
              <option key={m} value={m}>
                {m.padStart(2, "0")}
              </option>
            ))}
          </select>
        </label>
        <label>
          {pw.year}
          <select value={year} onChange={(e) => setYear(e.currentTarget.value)}>
            {Array.from({ length: 21 }, (_, i) => String(thisYear + i)).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <Problem text={problem} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {pw.saveExpiry}
        </button>
        <button type="button" onClick={onCancel}>
          {pw.cancel}
        </button>
      </div>
    </form>
  );
}
