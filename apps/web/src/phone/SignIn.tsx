import { DeviceKey } from "@clients/device-key";
import { PhoneClient } from "@clients/phone";
import { useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { loadDeviceKey, saveDeviceKey } from "./device-store";
import { saveSession, type PhoneSession } from "./session";

/**
 * Logs in with the phone number and password, then makes this browser a device of the
 * customer: a new WebCrypto key (non-extractable), registered once with the password, so
 * codes and confirmations are approved by the key from then on. Customers are enrolled by
 * their bank or store (the admin API), so there is no sign-up here.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: PhoneSession) => void }) {
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [step, setStep] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const client = new PhoneClient(location.origin);
    try {
      setStep("Signing in…");
      const { token, customer } = await client.login(phone.trim(), password);
      let key = await loadDeviceKey(customer.id);
      const known = key?.deviceId ? (await client.devices()).some((d) => d.id === key!.deviceId && !d.revokedAt) : false;
      if (!key || !known) {
        setStep("Registering this browser as your device…");
        key = await DeviceKey.generate();
        await client.registerDevice(key, browserName(), password);
        await saveDeviceKey(customer.id, key);
      }
      saveSession({ token, customerId: customer.id, name: customer.name });
      onSignedIn({ client, customerId: customer.id, name: customer.name, key });
    } catch (error) {
      setProblem(errorText(error));
      setStep(null);
    }
  };
  return (
    <main class="narrow">
      <h1>Sign in to your wallet</h1>
      <form onSubmit={submit}>
        <label>
          Phone number
          <input type="tel" autocomplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={step !== null}>
          Sign in
        </button>
      </form>
      {step && <p aria-live="polite">{step}</p>}
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
    </main>
  );
}

function browserName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge" : /Chrom/.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
  return `${browser} (web app)`;
}
