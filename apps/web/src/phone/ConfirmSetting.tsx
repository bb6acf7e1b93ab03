import { useState } from "preact/hooks";
import { useLoad } from "../shared/use-load";
import { Problem } from "../shared/problem";
import { phoneErrorWords, pw } from "./phone-words";
import { number } from "../shared/format";
import type { PhoneSession } from "./session";

type Choice = "always" | "above" | "never";

/** The customer's confirmAbove in words: null is never, 0 is always, else above an amount (minor units). */
export function confirmWords(confirmAbove: number | null): string {
  if (confirmAbove === null) return pw.confirmNever;
  if (confirmAbove === 0) return pw.confirmAlways;
  return pw.confirmAbove(number(confirmAbove));
}

/**
 * When a store's payment waits for the customer's OK on the phone (setConfirmAbove):
 * always, above an amount, or never. Amounts are in the currency's smallest unit, as
 * everywhere in the wallet (yen are whole; 1,000 cents are 10 dollars).
 */
export function ConfirmSetting({ session }: { session: PhoneSession }) {
  const { value: me, setValue, problem } = useLoad(() => session.client.me(), [session], phoneErrorWords);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [amount, setAmount] = useState("");
  const [state, setState] = useState<{ saving: boolean; saved: boolean; problem: string | null }>({ saving: false, saved: false, problem: null });
  if (problem) return <Problem text={problem} />;
  if (!me) return <p aria-live="polite">{pw.loadingConfirm}</p>;
  const current: Choice = me.confirmAbove === null ? "never" : me.confirmAbove === 0 ? "always" : "above";
  const chosen = choice ?? current;
  const save = async (event: Event) => {
    event.preventDefault();
    const wanted = chosen === "never" ? null : chosen === "always" ? 0 : Number(amount || me.confirmAbove);
    if (wanted !== null && (!Number.isSafeInteger(wanted) || wanted < 0)) {
      return setState({ saving: false, saved: false, problem: pw.wholeAmount });
    }
    setState({ saving: true, saved: false, problem: null });
    try {
      setValue(await session.client.setConfirmAbove(wanted));
      setChoice(null);
      setAmount("");
      setState({ saving: false, saved: true, problem: null });
    } catch (error) {
      setState({ saving: false, saved: false, problem: phoneErrorWords(error) });
    }
  };
  const option = (value: Choice, text: string) => (
    <label class="event-choice">
      <input type="radio" name="confirm-above" value={value} checked={chosen === value} onChange={() => (setChoice(value), setState({ ...state, saved: false }))} />
      <span>{text}</span>
    </label>
  );
  return (
    <form onSubmit={save} aria-labelledby="confirm-when-title">
      <h3 id="confirm-when-title">{pw.confirmWhenTitle}</h3>
      <p data-testid="confirm-above">{confirmWords(me.confirmAbove)}</p>
      <fieldset class="event-list">
        <legend>{pw.askMe}</legend>
        {option("always", pw.askAlways)}
        {option("above", pw.askAbove)}
        {option("never", pw.askNever)}
      </fieldset>
      {chosen === "above" && (
        <label>
          {pw.askAboveAmount}
          <input
            type="number"
            inputMode="numeric"
            min="1"
            step="1"
            required={me.confirmAbove === null || me.confirmAbove === 0}
            placeholder={me.confirmAbove ? String(me.confirmAbove) : "5000"}
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        </label>
      )}
      <button type="submit" class="primary" disabled={state.saving}>
        {pw.saveWhen}
      </button>
      {state.saving && <p role="status">{pw.saving}</p>}
      {state.saved && (
        <p role="status" class="notice ok">
          {pw.savedThen(confirmWords(me.confirmAbove))}
        </p>
      )}
      <Problem text={state.problem} />
    </form>
  );
}
