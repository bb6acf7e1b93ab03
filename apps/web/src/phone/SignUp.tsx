import { WalletApiError } from "@clients/common";
import { PhoneClient } from "@clients/phone";
import type { CountryCode } from "libphonenumber-js";
import { useState } from "preact/hooks";
import { useSecondsLeft } from "../shared/countdown";
import type { PhoneSession } from "./session";
import { Problem } from "../shared/problem";
import { PASSWORD_MAX, PASSWORD_MIN, passwordRule, phoneErrorWords, pw, waitWords } from "./phone-words";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import { PhoneNumberField, defaultCountry, internationalForm, toE164 } from "./phone-number";

/** An SMS takes a while; asking again sooner sends a second code for nothing (the server counts each one an hour). */
const RESEND_AFTER_SECONDS = 30;

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
  const [typed, setTyped] = useState("");
  const [country, setCountry] = useState<CountryCode>(defaultCountry);
  const [phone, setPhone] = useState<string | null>(null);
  const [asked, setAsked] = useState(false);
  const [resendAt, setResendAt] = useState<string | null>(null);
  const resendIn = useSecondsLeft(resendAt);
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
      setProblem(phoneErrorWords(error));
      const wait = error instanceof WalletApiError && error.code === "RATE_LIMITED" ? Number(error.extensions.retryAfterSeconds) : 0;
      if (wait > 0) setResendAt(new Date(Date.now() + wait * 1000).toISOString());
    } finally {
      setStep(null);
    }
  };
  const send = (number: string) =>
    run(async () => {
      setStep(pw.sendingCode);
      await new PhoneClient(location.origin).startSignUp(number);
      setPhone(number);
      setAsked(true);
      setResendAt(new Date(Date.now() + RESEND_AFTER_SECONDS * 1000).toISOString());
    });
  const ask = (event: Event) => {
    event.preventDefault();
    const number = toE164(typed, country);
    if (!number) return setProblem(pw.field.phone);
    void send(number);
  };
  const waiting = resendIn !== null && resendIn > 0;
  const complete = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      setStep(pw.creating);
      const client = new PhoneClient(location.origin);
      const signedIn = await client.completeSignUp({ phone: phone!, code: code.trim(), name: name.trim(), password });
      onSignedIn(await becomeDevice(client, signedIn, password, setStep));
    });
  };
  return (
    <main class="narrow">
      <LanguageSwitch />
      <h1>{pw.signUpTitle}</h1>
      {!asked ? (
        <form onSubmit={ask}>
          <PhoneNumberField typed={typed} country={country} autocomplete="tel-national" onTyped={setTyped} onCountry={setCountry} />
          <button type="submit" class="primary" disabled={step !== null}>
            {pw.sendMeCode}
          </button>
        </form>
      ) : (
        <form onSubmit={complete}>
          <p>
            {pw.weSent}
            <span data-testid="sign-up-number">{internationalForm(phone!, country) ?? phone}</span>
            {pw.weSentAfter}
          </p>
          <div class="row-between">
            <p aria-live="polite">{waiting ? pw.askAgainIn(waitWords(resendIn)) : pw.noSms}</p>
            <button type="button" disabled={waiting || step !== null} onClick={() => void send(phone!)}>
              {pw.sendAgain}
            </button>
          </div>
          <label>
            {pw.smsCode}
            <input inputMode="numeric" autocomplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
          <label>
            {pw.yourName}
            <input autocomplete="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {pw.choosePassword}
            <input
              type="password"
              autocomplete="new-password"
              required
              minLength={PASSWORD_MIN}
              maxLength={PASSWORD_MAX}
              aria-describedby="password-rule"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <p id="password-rule" class="hint" data-testid="password-rule">
            {passwordRule()}
            {password.length > 0 && password.length < PASSWORD_MIN ? pw.moreToGo(PASSWORD_MIN - password.length) : ""}
          </p>
          <button type="submit" class="primary" disabled={step !== null}>
            {pw.createWallet}
          </button>
        </form>
      )}
      <button type="button" onClick={onCancel}>
        {pw.haveWallet}
      </button>
      {step && <p aria-live="polite">{step}</p>}
      <Problem text={problem} />
    </main>
  );
}
