import { DeviceKey } from "@clients/device-key";
import { PhoneClient } from "@clients/phone";
import type { CountryCode } from "libphonenumber-js";
import { useState } from "preact/hooks";
import { PhoneNumberField, defaultCountry, toE164 } from "./phone-number";
import { phoneErrorWords, pw } from "./phone-words";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import { loadDeviceKey, saveDeviceKey } from "./device-store";
import { saveSession, type PhoneSession } from "./session";
import { SignUp } from "./SignUp";
import { Problem } from "../shared/problem";

/**
 * Makes this browser a device of the customer just signed in: a new WebCrypto key
 * (non-extractable), registered once with the password, so codes and confirmations are
 * approved by the key from then on. A key this browser already has is kept while the
 * server still knows it.
 */
export async function becomeDevice(
  client: PhoneClient,
  { token, customer }: { token: string; customer: { id: string; name: string } },
  password: string,
  step: (text: string) => void,
): Promise<PhoneSession> {
  let key = await loadDeviceKey(customer.id);
  const known = key?.deviceId ? (await client.devices()).some((d) => d.id === key!.deviceId && !d.revokedAt) : false;
  if (!key || !known) {
    step(pw.registering);
    key = await DeviceKey.generate();
    await client.registerDevice(key, browserName(), password);
    await saveDeviceKey(customer.id, key);
  }
  saveSession({ token, customerId: customer.id, name: customer.name });
  return { client, customerId: customer.id, name: customer.name, key };
}

/**
 * Logs in with the phone number and password (or opens the sign-up), then registers this
 * browser as a device. `notice` says why the customer is here again (their session ended).
 */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: PhoneSession) => void; notice?: string | null }) {
  const [phone, setPhone] = useState("");
  const [country, setCountry] = useState<CountryCode>(defaultCountry);
  const [password, setPassword] = useState("");
  const [step, setStep] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [signingUp, setSigningUp] = useState(false);
  if (signingUp) return <SignUp becomeDevice={becomeDevice} onSignedIn={onSignedIn} onCancel={() => setSigningUp(false)} />;
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const client = new PhoneClient(location.origin);
    try {
      setStep(pw.signingIn);
      const signedIn = await client.login(toE164(phone, country) ?? phone.trim(), password);
      onSignedIn(await becomeDevice(client, signedIn, password, setStep));
    } catch (error) {
      setProblem(phoneErrorWords(error));
      setStep(null);
    }
  };
  return (
    <main class="narrow">
      <LanguageSwitch />
      <h1>{pw.signInTitle}</h1>
      {notice && (
        <p role="status" class="notice bad">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <PhoneNumberField typed={phone} country={country} autocomplete="username" onTyped={setPhone} onCountry={setCountry} />
        <label>
          {pw.password}
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={step !== null}>
          {pw.signIn}
        </button>
      </form>
      <button type="button" onClick={() => setSigningUp(true)}>
        {pw.newHere}
      </button>
      {step && <p aria-live="polite">{step}</p>}
      <Problem text={problem} />
    </main>
  );
}

function browserName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge" : /Chrom/.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
  return `${browser} (web app)`;
}
