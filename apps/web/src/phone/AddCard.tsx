import type { Card, CardKind } from "@clients/phone";
import { useState } from "preact/hooks";
import type { PhoneSession } from "./session";
import { cardProblem } from "./card-problems";
import { Problem } from "../shared/problem";
import { pw } from "./phone-words";


/**
 * Adds a card to the wallet. The server checks the number (Luhn), the expiry and
 * duplicates; its refusal is shown in plain words beside the field it is about. A new
 * card starts switched off, as the server makes it: the customer turns it on with the
 * password.
 */
export function AddCard({ session, onAdded, onCancel }: { session: PhoneSession; onAdded: (card: Card) => void; onCancel: () => void }) {
  const thisYear = new Date().getFullYear();
  const [pan, setPan] = useState("");
  const [month, setMonth] = useState("");
  const [year, setYear] = useState("");
  const [holderName, setHolderName] = useState("");
  const [kind, setKind] = useState<CardKind>("CREDIT");
  const [institution, setInstitution] = useState("");
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field: string | null; text: string } | null>(null);
  const invalid = (field: string) => (problem?.field === field || (field === "expiry" && /^expiry/.test(problem?.field ?? "")) ? "true" : undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const card = await session.client.addCard({
        pan,
        expiryMonth: Number(month),
        expiryYear: Number(year),
        holderName,
        kind,
        institution,
        label: label.trim() || null,
      });
      onAdded(card);
    } catch (error) {
      setProblem(cardProblem(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="add-card-title">
      <h3 id="add-card-title">{pw.addCard}</h3>
      <label>
        {pw.cardNumber}
        <input
          inputMode="numeric"
          autocomplete="cc-number"
          required
          value={pan}
          aria-invalid={invalid("pan")}
          onInput={(e) => setPan(e.currentTarget.value)}
          placeholder="1234 5678 9012 3456"
        />
      </label>
      <fieldset class="row plain">
        <legend>{pw.validUntil}</legend>
        <label>
          {pw.month}
          <select required value={month} aria-invalid={invalid("expiry")} autocomplete="cc-exp-month" onChange={(e) => setMonth(e.currentTarget.value)}>
            <option value="">MM</option>
            {Array.from({ length: 12 }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {String(i + 1).padStart(2, "0")}
              </option>
            ))}
          </select>
        </label>
        <label>
          {pw.year}
          <select required value={year} aria-invalid={invalid("expiry")} autocomplete="cc-exp-year" onChange={(e) => setYear(e.currentTarget.value)}>
            <option value="">YYYY</option>
            {Array.from({ length: 16 }, (_, i) => (
              <option key={i} value={String(thisYear + i)}>
                {thisYear + i}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <label>
        {pw.nameOnCard}
        <input autocomplete="cc-name" required value={holderName} aria-invalid={invalid("holderName")} onInput={(e) => setHolderName(e.currentTarget.value)} />
      </label>
      <label>
        {pw.kindLabel}
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as CardKind)}>
          {Object.entries(pw.kind).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <label>
        {pw.institution}
        <input required value={institution} aria-invalid={invalid("institution")} onInput={(e) => setInstitution(e.currentTarget.value)} />
      </label>
      <label>
        {pw.nickname}
        <input value={label} maxLength={50} onInput={(e) => setLabel(e.currentTarget.value)} />
      </label>
      <Problem text={problem?.text} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {pw.addTheCard}
        </button>
        <button type="button" onClick={onCancel}>
          {pw.cancel}
        </button>
      </div>
    </form>
  );
}
