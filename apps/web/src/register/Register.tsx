import { WalletApiError } from "@clients/common";
import { useEffect, useRef, useState } from "preact/hooks";
import { follow } from "../shared/live";
import { Problem } from "../shared/problem";
import { Tabs } from "../shared/tabs";
import { errorWords } from "../shared/words";
import { BillCollection } from "./BillCollection";
import { MemberLookup } from "./MemberLookup";
import { Sale } from "./Sale";
import { forgetKey, saveKey, savedKey } from "./saved-key";
import type { RegisterSession } from "./session";
import { Today } from "./Today";
import { PaymentSearch } from "./PaymentSearch";
import { Payouts } from "./Payouts";
import { WatchedRegisterClient } from "./watched-client";
import { rw } from "./register-words";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import "./register.css";

const sections = () => ({ sale: rw.sale, bill: rw.bill, member: rw.member, today: rw.today, search: rw.search, payouts: rw.payouts });
type Section = keyof ReturnType<typeof sections>;

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
      if (!refused) end(rw.keyEnded);
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
          setWhy(rw.keyEnded);
        } else setWhy(rw.savedKeyUnchecked(errorWords(error))); // kept, to try again
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
  if (opening && !session) return <p aria-live="polite">{rw.opening}</p>;
  if (!session) return <SignIn why={why} onKey={open} onRetry={savedKey() ? reopen : null} />;
  return (
    <div class="register">
      <header class="bar">
        <h1>
          {rw.register} · <span data-testid="store-name">{session.store.name}</span>
        </h1>
        <button
          type="button"
          onClick={() => {
            forgetKey();
            end(null);
          }}
        >
          {rw.signOut}
        </button>
      </header>
      <Tabs sections={sections()} current={section} label={rw.sections} onSelect={setSection} />
      <main>
        {section === "sale" && <Sale session={session} />}
        {section === "bill" && <BillCollection session={session} />}
        {section === "member" && <MemberLookup session={session} />}
        {section === "today" && <Today session={session} />}
        {section === "search" && <PaymentSearch session={session} />}
        {section === "payouts" && <Payouts session={session} />}
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
      <LanguageSwitch />
      <h1>{rw.signInTitle}</h1>
      {why && !problem && (
        <p role="alert" class="notice bad" data-testid="signed-out-why">
          {why}
        </p>
      )}
      {onRetry && (
        <button type="button" class="primary big" onClick={onRetry}>
          {rw.tryAgain}
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
                ? rw.keyInvalid
                : code === "FORBIDDEN"
                  ? rw.notRegisterKey
                  : errorWords(error),
            );
            setBusy(false);
          }
        }}
      >
        <label>
          {rw.apiKey}
          <input ref={first} type="password" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <p class="note">{rw.keyNote}</p>
        <button type="submit" class="primary" disabled={busy}>
          {rw.openRegister}
        </button>
      </form>
      <Problem text={problem} />
    </main>
  );
}
