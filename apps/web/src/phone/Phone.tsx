import { PhoneClient } from "@clients/phone";
import { useEffect, useState } from "preact/hooks";
import { loadDeviceKey } from "./device-store";
import { clearSession, savedSession, type PhoneSession } from "./session";
import { SignIn } from "./sign-in-chunk";
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
import { sessionEnded } from "./session-end";
import { pw } from "./phone-words";
import { PinPrompt } from "./pin-prompt";
import { VerificationSetup } from "./VerificationSetup";

/**
 * Five tabs in the bottom bar, where a thumb reaches; the eight sections group under
 * them, so each is at most two taps away: Activity holds what happened (payments, bills,
 * messages), Passes what is shown at a door or counter (tickets, memberships).
 */
const tabs = () => ({ pay: pw.tabPay, cards: pw.tabCards, activity: pw.tabActivity, passes: pw.tabPasses, settings: pw.tabSettings });
type Tab = keyof ReturnType<typeof tabs>;
const GROUPS = {
  activity: { history: () => pw.subHistory, bills: () => pw.subBills, inbox: () => pw.subInbox },
  passes: { tickets: () => pw.subTickets, members: () => pw.subMembers },
} as const;
const groupOf = (group: Group) => Object.fromEntries(Object.entries(GROUPS[group]).map(([key, word]) => [key, word()])) as Record<Sub, string>;
type Group = keyof typeof GROUPS;
type Sub = { [G in Group]: keyof (typeof GROUPS)[G] }[Group];

/** Where a tapped notification leads (sw/notices.ts); a confirmation's sheet comes up over any tab by itself. */
const OPENED_BY_NOTICE: Record<string, { tab: Tab; sub?: Sub }> = {
  confirm: { tab: "pay" },
  history: { tab: "activity", sub: "history" },
  bills: { tab: "activity", sub: "bills" },
  inbox: { tab: "activity", sub: "inbox" },
  tickets: { tab: "passes", sub: "tickets" },
};

/** The phone: sign in once, then the wallet's sections; a confirmation sheet comes up over any of them. */
export function Phone() {
  const [session, setSession] = useState<PhoneSession | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [tab, setTab] = useState<Tab>("pay");
  const [opened, setOpened] = useState<{ activity: Sub; passes: Sub }>({ activity: "history", passes: "tickets" });
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
      setEndedWhy(sessionEnded());
      setSession(null);
    };
    return () => void (session.client.onCredentialRefused = null);
  }, [session]);
  // A tapped notification (sw/sw.ts) names what to show: in the page's address when it opened the app, by a message when the app was open.
  useEffect(() => {
    const show = (open: unknown) => {
      const place = OPENED_BY_NOTICE[String(open)];
      if (!place) return;
      setTab(place.tab);
      if (place.sub) setOpened((now) => ({ ...now, [place.tab]: place.sub }));
    };
    show(new URLSearchParams(location.search).get("open"));
    const heard = (event: MessageEvent) => event.data?.type === "wallet-center.open" && show(event.data.open);
    navigator.serviceWorker?.addEventListener("message", heard);
    return () => navigator.serviceWorker?.removeEventListener("message", heard);
  }, []);
  if (restoring) return <p aria-live="polite">{pw.opening}</p>;
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
        <h1>{pw.wallet}</h1>
        <span>{session.name}</span>
        <button type="button" onClick={signOut}>
          {pw.signOut}
        </button>
      </header>
      <main class="with-bottom-bar">
        {(tab === "activity" || tab === "passes") && (
          <Tabs
            sections={groupOf(tab)}
            current={opened[tab]}
            label={pw.sectionsOf(tabs()[tab])}
            onSelect={(sub) => setOpened({ ...opened, [tab]: sub })}
          />
        )}
        {sheetClosed && <ClosedNotice text={sheetClosed} onDismiss={() => setSheetClosed(null)} />}
        {tab === "pay" && <Pay session={session} />}
        {tab === "pay" && <VerificationSetup session={session} />}
        {tab === "cards" && <Cards session={session} />}
        {tab === "activity" && opened.activity === "history" && <History session={session} />}
        {tab === "activity" && opened.activity === "bills" && <Bills session={session} />}
        {tab === "activity" && opened.activity === "inbox" && <Inbox session={session} />}
        {tab === "passes" && opened.passes === "tickets" && <Tickets session={session} />}
        {tab === "passes" && opened.passes === "members" && <Memberships session={session} />}
        {tab === "settings" && <Settings session={session} />}
      </main>
      <div class="bottom-bar">
        <Tabs sections={tabs()} current={tab} label={pw.walletSections} onSelect={setTab} />
      </div>
      <ConfirmationSheet session={session} onClosed={setSheetClosed} />
      <PinPrompt />
    </div>
  );
}
