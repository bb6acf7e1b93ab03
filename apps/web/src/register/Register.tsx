import { RegisterClient } from "@clients/register";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { follow } from "../shared/live";
import { BillCollection } from "./BillCollection";
import { Sale } from "./Sale";
import { Today } from "./Today";
import { Tabs } from "../shared/tabs";
import { Problem } from "../shared/problem";
import type { RegisterSession } from "./session";

const SECTIONS = { sale: "Sale", bill: "Bill", today: "Today" } as const;
type Section = keyof typeof SECTIONS;

/**
 * A store's register. The API key is a store's secret: it stays in this page's memory
 * and is asked again after a reload, never stored.
 */
export function Register() {
  const [session, setSession] = useState<RegisterSession | null>(null);
  const [section, setSection] = useState<Section>("sale");
  useEffect(() => {
    if (!session) return;
    return follow(session.client.paymentUpdates(), (payment) => {
      session.updates.set(payment.id, payment);
      session.listeners.forEach((listener) => listener(payment));
    });
  }, [session]);
  if (!session) return <SignIn onSignedIn={setSession} />;
  return (
    <div class="register">
      <header class="bar">
        <h1>Register</h1>
        <button type="button" onClick={() => void session.client.live.close().then(() => setSession(null))}>
          Sign out
        </button>
      </header>
      <Tabs sections={SECTIONS} current={section} label="Register sections" onSelect={setSection} />
      <main>
        {section === "sale" && <Sale session={session} />}
        {section === "bill" && <BillCollection session={session} />}
        {section === "today" && <Today session={session} />}
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (session: RegisterSession) => void }) {
  const [apiKey, setApiKey] = useState("");
  const [currency, setCurrency] = useState("JPY");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <main class="narrow">
      <h1>Register sign-in</h1>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setProblem(null);
          const client = new RegisterClient(location.origin, apiKey.trim());
          try {
            await client.payments(1); // the key works, and is a register's
            onSignedIn({ client, currency: currency.trim().toUpperCase(), updates: new Map(), listeners: new Set() });
          } catch (error) {
            setProblem(errorText(error));
            setBusy(false);
          }
        }}
      >
        <label>
          The store's register API key
          <input ref={first} type="password" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <label>
          Currency
          <input required pattern="[A-Za-z]{3}" value={currency} onInput={(e) => setCurrency(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Open the register
        </button>
      </form>
      <Problem text={problem} />
    </main>
  );
}
