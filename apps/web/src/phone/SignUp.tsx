import { PhoneClient } from "@clients/phone";
import { useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import type { PhoneSession } from "./session";
import { Problem } from "../shared/problem";

/**
 * A customer enrolls themselves: the number first (the server sends a six-digit code by
 * SMS, and answers alike whether or not the number is enrolled), then the code, a name
 * and a password. `becomeDevice` then registers this browser, as signing in does.
 */
export function SignUp({
  becomeDevice,
  onSignedIn,
  onCancel,
}: {
  becomeDevice: (client: PhoneClient, signedIn: { token: string; customer: { id: string; name: string } }, password: string, step: (text: string) => void) => Promise<PhoneSession>;
  onSignedIn: (session: PhoneSession) => void;
  onCancel: () => void;
}) {
  const [phone, setPhone] = useState("");
  const [asked, setAsked] = useState(false);
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [step, setStep] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (act: () => Promise<void>) => {
    setProblem(null);
    try {
      await act();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setStep(null);
    }
  };
  const ask = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      setStep("Sending a code…");
      await new PhoneClient(location.origin).startSignUp(phone.trim());
      setAsked(true);
    });
  };
  const complete = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      setStep("Creating your wallet…");
      const client = new PhoneClient(location.origin);
      const signedIn = await client.completeSignUp({ phone: phone.trim(), code: code.trim(), name: name.trim(), password });
      onSignedIn(await becomeDevice(client, signedIn, password, setStep));
    });
  };
  return (
    <main class="narrow">
      <h1>Create your wallet</h1>
      {!asked ? (
        <form onSubmit={ask}>
          <label>
            Phone number
            <input type="tel" autocomplete="tel" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={step !== null}>
            Send me a code
          </button>
        </form>
      ) : (
        <form onSubmit={complete}>
          <p>We sent a six-digit code by SMS to {phone}. If this number already has a wallet, the SMS says so instead: sign in.</p>
          <label>
            The code from the SMS
            <input inputMode="numeric" autocomplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
          <label>
            Your name
            <input autocomplete="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            Choose a password
            <input type="password" autocomplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={step !== null}>
            Create my wallet
          </button>
        </form>
      )}
      <button type="button" onClick={onCancel}>
        I have a wallet: sign in
      </button>
      {step && <p aria-live="polite">{step}</p>}
      <Problem text={problem} />
    </main>
  );
}
