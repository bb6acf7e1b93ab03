import { rotatingTicketCode } from "@clients/device-key";
import { ROTATION_PERIOD_SECONDS } from "@clients/wire/rotation";
import { useEffect, useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { useWakeLock } from "./wake-lock";
import { LocalQr, LongCode } from "../shared/local-qr";
import { withKey, type PhoneSession } from "./session";

const PERIOD_MS = ROTATION_PERIOD_SECONDS * 1000;

/**
 * A ticket's rotating QR: the server hands this device a credential once; the phone
 * then signs each 15-second window itself (a compact T4 code, a small QR), so the code changes with no request and a
 * screenshot is refused at the gate once its window is past. `onUnavailable` hears why
 * the credential could not be had, and the caller offers the static code instead.
 */
export function RotatingTicket({ session, ticketId, label, onUnavailable }: { session: PhoneSession; ticketId: string; label: string; onUnavailable: (why: string) => void }) {
  const [credential, setCredential] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [secondsLeft, setSecondsLeft] = useState(ROTATION_PERIOD_SECONDS);
  useWakeLock(code !== null);
  useEffect(() => {
    let current = true;
    withKey(session, (key) => session.client.issueRotatingTicket(ticketId, key)).then(
      (issued) => current && setCredential(issued.credential),
      (error) => current && onUnavailable(phoneErrorWords(error)),
    );
    return () => void (current = false);
  }, [ticketId]);
  useEffect(() => {
    if (!credential) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    let signedWindow = -1;
    // Each second counts down; a new window's first tick signs its code (P-256 signatures differ each time, so only once).
    const tick = async () => {
      const now = Date.now();
      const window = Math.floor(now / PERIOD_MS);
      if (window !== signedWindow) {
        const made = await rotatingTicketCode(credential, session.key, new Date(now));
        if (stopped) return;
        signedWindow = window;
        setCode(made);
      }
      setSecondsLeft(Math.ceil((PERIOD_MS - (now % PERIOD_MS)) / 1000));
      timer = setTimeout(tick, 1000 - (now % 1000) + 5);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [credential]);
  if (!code) return <p aria-live="polite">{pw.gettingTicket}</p>;
  return (
    <figure class="code-view">
      <LocalQr text={code} label={label} />
      <figcaption>
        <span class="countdown" aria-live="off">
          {pw.rotates(ROTATION_PERIOD_SECONDS, secondsLeft)}
        </span>
        <LongCode code={code} testId="ticket-code" />
      </figcaption>
    </figure>
  );
}
