import { useEffect } from "preact/hooks";
import { clock, useSecondsLeft } from "../shared/countdown";
import { pw } from "./phone-words";

/**
 * The time left to answer a confirmation, ticking each second; `onExpired` is called once
 * it reaches zero. Read out by screen readers only in its last ten seconds, not each tick.
 */
export function ConfirmationCountdown({ expiresAt, onExpired }: { expiresAt: string; onExpired: () => void }) {
  const seconds = useSecondsLeft(expiresAt) ?? 0;
  useEffect(() => {
    if (seconds <= 0) onExpired();
  }, [seconds <= 0]);
  return (
    <p class={`countdown ${seconds <= 10 ? "bad-text" : ""}`}>
      {pw.answerWithin}{" "}
      <span role="timer" aria-live={seconds <= 10 ? "polite" : "off"} data-testid="confirmation-countdown">
        {clock(seconds)}
      </span>
    </p>
  );
}
