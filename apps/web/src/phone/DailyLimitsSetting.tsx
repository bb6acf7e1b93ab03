import type { DailyLimits } from "@clients/phone";
import { useState } from "preact/hooks";
import { number } from "../shared/format";
import { Problem } from "../shared/problem";
import { useLoad } from "../shared/use-load";
import { phoneErrorWords, pw } from "./phone-words";
import type { PhoneSession } from "./session";

/** A limit in words: the customer's own, else the operator's, else none. */
function limitWords(own: number | null, ceiling: number | null, say: (value: string) => string, none: string): string {
  if (own !== null) return pw.dailyOwn(say(number(own)));
  if (ceiling !== null) return pw.dailyOperator(say(number(ceiling)));
  return none;
}

/**
 * What the customer's payment codes may pay in a day, and how many times (setDailyLimits):
 * their own limits, at most the operator's, with what was paid today. An empty field is
 * "none of my own"; the server asks the password for a change.
 */
export function DailyLimitsSetting({ session }: { session: PhoneSession }) {
  const { value: limits, setValue, problem } = useLoad(() => session.client.dailyLimits(), [session], phoneErrorWords);
  const [amount, setAmount] = useState<string | null>(null);
  const [count, setCount] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [state, setState] = useState<{ saving: boolean; saved: boolean; problem: string | null }>({ saving: false, saved: false, problem: null });
  if (problem) return <Problem text={problem} />;
  if (!limits) return <p aria-live="polite">{pw.loadingDaily}</p>;
  const shown = (typed: string | null, own: number | null) => typed ?? (own === null ? "" : String(own));
  const parse = (text: string): number | null | undefined => {
    if (text.trim() === "") return null;
    const value = Number(text);
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const maxAmount = parse(shown(amount, limits.maxAmount));
    const maxCount = parse(shown(count, limits.maxCount));
    if (maxAmount === undefined || maxCount === undefined) return setState({ saving: false, saved: false, problem: pw.wholeAmount });
    setState({ saving: true, saved: false, problem: null });
    try {
      const updated: DailyLimits = await session.client.setDailyLimits(maxAmount, maxCount, password);
      setValue(updated);
      setAmount(null);
      setCount(null);
      setPassword("");
      setState({ saving: false, saved: true, problem: null });
    } catch (error) {
      setState({ saving: false, saved: false, problem: phoneErrorWords(error) });
    }
  };
  return (
    <form onSubmit={save} aria-labelledby="daily-title">
      <h3 id="daily-title">{pw.dailyTitle}</h3>
      <p data-testid="daily-limits">
        {limitWords(limits.maxAmount, limits.ceilingAmount, pw.dailyAmount, pw.dailyNoAmount)}{" "}
        {limitWords(limits.maxCount, limits.ceilingCount, pw.dailyCount, pw.dailyNoCount)}
      </p>
      <p data-testid="daily-today">{pw.dailyToday(number(limits.spentToday), limits.paymentsToday)}</p>
      <label>
        {pw.dailyMostAmount}
        <input
          type="number"
          inputMode="numeric"
          min="0"
          max={limits.ceilingAmount ?? undefined}
          step="1"
          placeholder={pw.dailyNoneOfMine}
          value={shown(amount, limits.maxAmount)}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
      </label>
      <label>
        {pw.dailyMostCount}
        <input
          type="number"
          inputMode="numeric"
          min="0"
          max={limits.ceilingCount ?? undefined}
          step="1"
          placeholder={pw.dailyNoneOfMine}
          value={shown(count, limits.maxCount)}
          onInput={(e) => setCount(e.currentTarget.value)}
        />
      </label>
      <label>
        {pw.dailyPassword}
        <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={state.saving}>
        {pw.saveDaily}
      </button>
      {state.saving && <p role="status">{pw.saving}</p>}
      {state.saved && (
        <p role="status" class="notice ok">
          {pw.saved}
        </p>
      )}
      <Problem text={state.problem} />
    </form>
  );
}
