import { offlinePaymentToken } from "@clients/device-key";
import { useState } from "preact/hooks";
import { LocalQr, LongCode } from "../shared/local-qr";
import type { PhoneSession } from "./session";
import { Problem } from "../shared/problem";
import { phoneErrorWords, pw } from "./phone-words";
import { hhmm, number } from "../shared/format";
import { useWakeLock } from "./wake-lock";

/** The cap offered first: small, since a photo of the QR could pay it once within 5 minutes. */
const FIRST_CAP = 3000;

/**
 * Paying with no network: the phone signs a token itself (clients/wire/offline-token.ts) for
 * this card and a cap the customer picks, and shows it as a QR; the register redeems it
 * online. The server holds it to 5 minutes, the cap and the device's daily offline limits
 * (Settings).
 */
export function OfflineToken({ session, cardId }: { session: PhoneSession; cardId: string }) {
  const [cap, setCap] = useState(String(FIRST_CAP));
  const [token, setToken] = useState<{ text: string; cap: number; madeAt: Date } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useWakeLock(token !== null);
  const make = async (event: Event) => {
    event.preventDefault();
    const value = Number(cap);
    if (!Number.isSafeInteger(value) || value <= 0) {
      setProblem(pw.enterCap);
      return;
    }
    try {
      setProblem(null);
      setToken({ text: await offlinePaymentToken(session.key, cardId, value), cap: value, madeAt: new Date() });
    } catch (error) {
      setProblem(phoneErrorWords(error));
    }
  };
  if (token) {
    return (
      <div class="panel">
        <figure class="code-view">
          <LocalQr text={token.text} label={pw.offlineQr} />
          <figcaption>
            <span class="countdown">
              {pw.paysAtMost(number(token.cap), hhmm(new Date(token.madeAt.getTime() + 300_000)))}
            </span>
            <LongCode code={token.text} testId="offline-token" />
          </figcaption>
        </figure>
        <button type="button" onClick={() => setToken(null)}>
          {pw.done}
        </button>
      </div>
    );
  }
  return (
    <form class="panel" onSubmit={make}>
      <p>{pw.offlineExplain}</p>
      <label>
        {pw.payAtMost}
        <input type="number" inputMode="numeric" min="1" step="1" required value={cap} onInput={(e) => setCap(e.currentTarget.value)} />
      </label>
      <Problem text={problem} />
      <button type="submit" class="primary big">
        {pw.showOfflineCode}
      </button>
    </form>
  );
}
