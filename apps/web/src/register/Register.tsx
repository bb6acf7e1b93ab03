import { WalletApiError } from "@clients/common";
import { useEffect, useRef, useState } from "preact/hooks";
import { follow } from "../shared/live";
import { Problem } from "../shared/problem";
import { Tabs } from "../shared/tabs";
import { errorWords } from "../shared/words";
import { BillCollection } from "./BillCollection";
import { Sale } from "./Sale";
import { forgetKey, saveKey, savedKey } from "./saved-key";
import type { RegisterSession } from "./session";
import { Today } from "./Today";
import { WatchedRegisterClient } from "./watched-client";
import "./register.css";

const SECTIONS = { sale: "Sale", bill: "Bill", today: "Today" } as const;
type Section = keyof typeof SECTIONS;

const KEY_ENDED = "This register's key no longer works: it was revoked or replaced. Enter the new key.";

/**
 * A store's register. Its API key stays on this device (saved-key.ts) until "Sign out",
 * so a restarted terminal opens at once; the store's name and currency come from the
 * server (myStore), never typed. A key that stops working leads back to the key form,
 * with one sentence saying why.
 */
export function Register() {
  const [session, setSession] = useState<RegisterSession | null>(null);
  const [section, setSection] = useState<Section>("sale");
  const [why, setWhy] = useState<string | null>(null);
  const [opening, setOpening] = useState(() => savedKey() !== null);
  const end = (reason: string | null) => {
    if (reason) forgetKey();
    setWhy(reason);
    setSession((current) => {
      void current?.client.live.close();
      return null;
    });
  };
  const open = async (apiKey: string): Promise<void> => {
    let refused = false;
    const client = new WatchedRegisterClient(location.origin, apiKey, () => {
      if (!refused) end(KEY_ENDED);
    });
    try {
      const store = await client.myStore(); // the key works, is a register's, and says which store
      saveKey(apiKey);
      setWhy(null);
      setSession({ client, store, currency: store.currency, updates: new Map(), listeners: new Set() });
    } catch (error) {
      refused = true; // the sign-in form says why itself
      throw error;
    }
  };
  const reopen = () => {
    const key = savedKey();
    if (!key) return;
    setOpening(true);
    open(key)
      .catch((error) => {
        if (error instanceof WalletApiError) {
          forgetKey();
          setWhy(KEY_ENDED);
        } else setWhy(`The saved key could not be checked: ${errorWords(error)}`); // kept, to try again
      })
      .finally(() => setOpening(false));
  };
  useEffect(reopen, []);
  useEffect(() => {
    if (!session) return;
    return follow(
      session.client.paymentUpdates(),
      (payment) => {
        session.updates.set(payment.id, payment);
        session.listeners.forEach((listener) => listener(payment));
      },
      // The server closes the live feed of a key it revoked: a request tells for sure.
      () => void session.client.myStore().catch(() => {}),
    );
  }, [session]);
  if (opening && !session) return <p aria-live="polite">Opening the register…</p>;
  if (!session) return <SignIn why={why} onKey={open} onRetry={savedKey() ? reopen : null} />;
  return (
    <div class="register">
      <header class="bar">
        <h1>
          Register · <span data-testid="store-name">{session.store.name}</span>
        </h1>
        <button
          type="button"
          onClick={() => {
            forgetKey();
            end(null);
          }}
        >
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

function SignIn({ why, onKey, onRetry }: { why: string | null; onKey: (apiKey: string) => Promise<void>; onRetry: (() => void) | null }) {
  const [apiKey, setApiKey] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <main class="narrow">
      <h1>Register sign-in</h1>
      {why && !problem && (
        <p role="alert" class="notice bad" data-testid="signed-out-why">
          {why}
        </p>
      )}
      {onRetry && (
        <button type="button" class="primary big" onClick={onRetry}>
          Try the saved key again
        </button>
      )}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setProblem(null);
          try {
            await onKey(apiKey.trim());
          } catch (error) {
            const code = error instanceof WalletApiError ? error.code : null;
            setProblem(
              code === "UNAUTHENTICATED"
                ? "This key is not valid. Check it, or ask the store's manager for a new one."
                : code === "FORBIDDEN"
                  ? "This key is not a register's key (it may be a gate's or a partner's)."
                  : errorWords(error),
            );
            setBusy(false);
          }
        }}
      >
        <label>
          The store's register API key
          <input ref={first} type="password" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <p class="note">The register remembers this key on this device until someone signs out. The currency comes from the store.</p>
        <button type="submit" class="primary" disabled={busy}>
          Open the register
        </button>
      </form>
      <Problem text={problem} />
    </main>
  );
}
