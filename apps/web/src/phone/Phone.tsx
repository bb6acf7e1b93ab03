import { PhoneClient } from "@clients/phone";
import { useEffect, useState } from "preact/hooks";
import { loadDeviceKey } from "./device-store";
import { clearSession, savedSession, type PhoneSession } from "./session";
import { SignIn } from "./SignIn";
import { ClosedNotice, ConfirmationSheet } from "./ConfirmationSheet";
import { Pay } from "./Pay";
import { Cards } from "./Cards";
import { History } from "./History";
import { Memberships } from "./Memberships";
import { Bills } from "./Bills";
import { Tickets } from "./Tickets";
import { Inbox } from "./Inbox";
import { Settings } from "./Settings";
import { Tabs } from "../shared/tabs";
import { SESSION_ENDED } from "./session-end";
import { PinPrompt } from "./pin-prompt";
import { VerificationSetup } from "./VerificationSetup";

const SECTIONS = { pay: "Pay", cards: "Cards", history: "History", members: "Members", bills: "Bills", tickets: "Tickets", inbox: "Inbox", settings: "Settings" } as const;
type Section = keyof typeof SECTIONS;

/** The phone: sign in once, then the wallet's sections; a confirmation sheet comes up over any of them. */
export function Phone() {
  const [session, setSession] = useState<PhoneSession | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [section, setSection] = useState<Section>("pay");
  const [endedWhy, setEndedWhy] = useState<string | null>(null);
  const [sheetClosed, setSheetClosed] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      const saved = savedSession();
      const key = saved && (await loadDeviceKey(saved.customerId).catch(() => null));
      if (saved && key?.deviceId) setSession({ client: new PhoneClient(location.origin, saved.token), customerId: saved.customerId, name: saved.name, key });
      setRestoring(false);
    })();
  }, []);
  // A session that ends elsewhere (a logout on another device, support ending every session, expiry) comes back to sign-in, saying why.
  useEffect(() => {
    if (!session) return;
    session.client.onCredentialRefused = () => {
      session.client.onCredentialRefused = null;
      void session.client.live.close();
      clearSession();
      setEndedWhy(SESSION_ENDED);
      setSession(null);
    };
    return () => void (session.client.onCredentialRefused = null);
  }, [session]);
  if (restoring) return <p aria-live="polite">Opening your wallet…</p>;
  if (!session) return <SignIn notice={endedWhy} onSignedIn={(signedIn) => (setEndedWhy(null), setSession(signedIn))} />;
  const signOut = async () => {
    // Signing out here ends this session on purpose: nothing to explain afterwards.
    session.client.onCredentialRefused = null;
    await session.client.logout().catch(() => {});
    await session.client.live.close();
    clearSession();
    setSession(null);
  };
  return (
    <div class="phone">
      <header class="bar">
        <h1>Wallet</h1>
        <span>{session.name}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <Tabs sections={SECTIONS} current={section} label="Wallet sections" onSelect={setSection} />
      <main>
        {sheetClosed && <ClosedNotice text={sheetClosed} onDismiss={() => setSheetClosed(null)} />}
        {section === "pay" && <VerificationSetup session={session} />}
        {section === "pay" && <Pay session={session} />}
        {section === "cards" && <Cards session={session} />}
        {section === "history" && <History session={session} />}
        {section === "members" && <Memberships session={session} />}
        {section === "bills" && <Bills session={session} />}
        {section === "tickets" && <Tickets session={session} />}
        {section === "inbox" && <Inbox session={session} />}
        {section === "settings" && <Settings session={session} />}
      </main>
      <ConfirmationSheet session={session} onClosed={setSheetClosed} />
      <PinPrompt />
    </div>
  );
}
