import type { IssuedCode } from "@clients/phone";
import { useEffect, useState } from "preact/hooks";
import { clock, useSecondsLeft } from "../shared/countdown";
import { grouped } from "../shared/format";
import { LocalQr } from "../shared/local-qr";
import { QrImage } from "../shared/qr";
import { phoneErrorWords, pw } from "./phone-words";
import { useWakeLock } from "./wake-lock";

/** Refreshes this many seconds before the code expires, so the QR shown always works. */
const REFRESH_BEFORE_SECONDS = 5;

/**
 * A code to show at a counter or a gate: the QR large, the digits below, and how long it
 * lasts. With `renew`, a new code replaces it shortly before it expires.
 */
export function CodeView({ issue, label, renew, onError }: { issue: () => Promise<IssuedCode>; label: string; renew: boolean; onError?: (error: unknown) => void }) {
  const [code, setCode] = useState<IssuedCode | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const secondsLeft = useSecondsLeft(code?.expiresAt ?? null);
  useWakeLock(code !== null);
  const load = async () => {
    try {
      setCode(await issue());
      setProblem(null);
    } catch (error) {
      setCode(null);
      setProblem(phoneErrorWords(error));
      onError?.(error);
    }
  };
  useEffect(() => void load(), []);
  useEffect(() => {
    if (renew && secondsLeft !== null && secondsLeft <= REFRESH_BEFORE_SECONDS) void load();
  }, [renew, secondsLeft]);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!code) return <p aria-live="polite">{pw.gettingCode}</p>;
  return (
    <figure class="code-view">
      {/* The server draws a code's QR when asked; a payment code's the phone draws itself (less work for the server per code). */}
      {code.qrSvg ? <QrImage svg={code.qrSvg} label={label} /> : <LocalQr text={code.code} label={label} />}
      <figcaption>
        <span class="digits" data-testid="code-digits">
          {grouped(code.code)}
        </span>
        <span class="countdown" aria-live="off">
          {secondsLeft === null ? "" : secondsLeft > 0 ? pw.validFor(clock(secondsLeft)) : pw.expired}
        </span>
      </figcaption>
    </figure>
  );
}
