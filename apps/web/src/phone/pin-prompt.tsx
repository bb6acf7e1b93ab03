import { useEffect, useRef, useState } from "preact/hooks";
import { pw } from "./phone-words";
import { useModal } from "../shared/modal";

type Answer = (pin: string | null) => void;
let open: ((answer: Answer) => void) | null = null;

/** Asks the payment PIN over whatever is on screen; null when the customer cancels (or no prompt is mounted). */
export function askPin(): Promise<string | null> {
  return new Promise((resolve) => (open ? open(resolve) : resolve(null)));
}

/**
 * The one PIN prompt of the phone, mounted once; askPin() brings it up as a modal dialog:
 * the rest of the page is inert while it shows (the keyboard stays in it), Escape or
 * Cancel closes it, and focus goes back where it was.
 */
export function PinPrompt() {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [pin, setPin] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const dialog = useRef<HTMLFormElement>(null);
  useEffect(() => {
    open = (next) => {
      setPin("");
      setAnswer(() => next);
    };
    return () => void (open = null);
  }, []);
  useModal(dialog, answer !== null);
  useEffect(() => input.current?.focus(), [answer]);
  if (!answer) return null;
  const close = (value: string | null) => {
    setAnswer(null);
    answer(value);
  };
  return (
    <div class="sheet-backdrop" onKeyDown={(event) => event.key === "Escape" && close(null)}>
      <form
        ref={dialog}
        class="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="pin-title"
        onSubmit={(event) => {
          event.preventDefault();
          close(pin);
        }}
      >
        <h2 id="pin-title">{pw.pinTitle}</h2>
        <label>
          {pw.pin}
          <input ref={input} type="password" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{4,8}" required value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
        </label>
        <div class="row">
          <button type="submit" class="primary">
            {pw.confirm}
          </button>
          <button type="button" onClick={() => close(null)}>
            {pw.cancel}
          </button>
        </div>
      </form>
    </div>
  );
}
