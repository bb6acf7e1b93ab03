import type { DenialReason } from "@clients/wire/admission-rules";
import { GateClient, type GateAdmission } from "@clients/gate";
import { OfflineGate } from "@clients/offline-gate";
import { useEffect, useRef, useState } from "preact/hooks";
import { signalVerdict, unlockSound } from "../shared/feedback";
import { follow } from "../shared/live";
import { ContinuousScanner, TypedCode } from "../shared/scanner";
import { Problem } from "../shared/problem";
import { forgetGate, loadGateState, loadSavedGate, loadTally, saveGateState, saveTally } from "./gate-store";
import { GateSignIn } from "./GateSignIn";
import type { GateSession } from "./session";
import { gateErrorWords, gw } from "./gate-words";
import { clockTime, hhmm } from "../shared/format";
import { words } from "../shared/words";
import { SearchDesk, UndoLast } from "./gate-desk";

/** Every reason the shared rule (clients/wire/admission-rules.ts) may give, in the gate's words (gate.en.ts). */
const reasons = (): Record<DenialReason, string> => gw.reason;

/** What the screen shows of a scan, decided by the server or, offline, by the gate. */
interface Shown {
  result: string;
  reason: string | null;
  seat: string | null;
  /** The attendee's name, when the ticket has one. */
  name?: string | null;
  title: string | null;
  offline: boolean;
  firstUsedAt: string | null;
  firstUsedGate: string | null;
  /** Tells two verdicts apart, so the same words shown again are shown afresh. */
  id: number;
  /** How long the check took, from the code read to the verdict. */
  ms: number;
}

/** While online, the snapshot takes other gates' scans this often, so an offline spell starts from a recent state. */
const REFRESH_MS = 10_000;
/** A verdict fills the screen this long, then the gate is ready for the next visitor (a tap ends it sooner). */
const VERDICT_MS = 1500;

/** The reason in words; for a used ticket, where and when it was used, as far as the gate knows. */
function reasonText(shown: Shown): string {
  if (shown.reason === "ALREADY_USED" && shown.firstUsedAt) {
    return gw.usedAt(shown.firstUsedGate, hhmm(shown.firstUsedAt));
  }
  return (reasons() as Record<string, string>)[shown.reason ?? "INVALID"] ?? gw.reason.INVALID;
}

/** The gate as it was on this device (its key, event, snapshot and queue), or null when it was never opened here. */
async function resumed(): Promise<GateSession | null> {
  const saved = await loadSavedGate();
  if (!saved) return null;
  const client = new GateClient(location.origin, saved.apiKey);
  const state = await loadGateState();
  const options = { save: saveGateState, listId: saved.listId ?? null };
  const offline =
    state && state.snapshot.eventId === saved.eventId && state.snapshot.gate === saved.gateName
      ? OfflineGate.restore(client, state, options)
      : new OfflineGate(client, saved.eventId, saved.gateName, options);
  return { client, saved, offline, tally: (await loadTally()) ?? null };
}

/**
 * A venue's gate: the camera stays on and each code is decided as it appears (a beep, a
 * vibration, the screen green or red); the admitted and inside counts follow every gate
 * of the event live. With no network it keeps deciding from the event's snapshot
 * (clients/offline-gate.ts, the server's own rules and signature check), queues its
 * scans, and uploads them when the network is back. Its key, snapshot and queue are kept
 * in IndexedDB (gate-store.ts), so a reload or a closed tab loses nothing.
 */
export function Gate() {
  const [session, setSession] = useState<GateSession | null | undefined>(undefined);
  useEffect(() => {
    resumed()
      .then(setSession)
      .catch(() => setSession(null));
  }, []);
  if (session === undefined) return <p aria-live="polite">{words.loading}</p>;
  if (!session) return <GateSignIn onSignedIn={setSession} />;
  return <OpenGate session={session} onSignedOut={() => setSession(null)} />;
}

function OpenGate({ session, onSignedOut }: { session: GateSession; onSignedOut: () => void }) {
  const { saved, client, offline, tally } = session;
  const [counts, setCounts] = useState<{ admitted: number; inside: number } | null>(tally && { admitted: tally.admitted, inside: tally.inside });
  const [offlineAdmitted, setOfflineAdmitted] = useState(tally?.offlineAdmitted ?? 0);
  // Admitted offline less let out offline: the inside count until the server has the scans.
  const [offlineInside, setOfflineInside] = useState(tally?.offlineInside ?? tally?.offlineAdmitted ?? 0);
  const [exiting, setExiting] = useState(false);
  const [queued, setQueued] = useState(offline.pending.length);
  const [online, setOnline] = useState(navigator.onLine);
  const [round, setRound] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [cameraDown, setCameraDown] = useState(false);
  const [last, setLast] = useState<{ id: string; until: string } | null>(null);
  const verdicts = useRef(0);
  const recount = async () => {
    const now = await client.attendanceNow(saved.eventId);
    setCounts({ admitted: now.admitted, inside: now.inside });
  };
  /** Uploads the queue and takes the changes since the last snapshot; fails quietly while the network is down. */
  const refresh = async () => {
    try {
      await offline.refresh();
      setQueued(offline.pending.length);
      if (offline.pending.length === 0) {
        setOfflineAdmitted(0);
        setOfflineInside(0);
      }
      await recount();
    } catch {
      setQueued(offline.pending.length);
    }
  };
  useEffect(() => {
    const update = () => {
      setOnline(navigator.onLine);
      // Back online: a new live feed (the old one ended with the network) and the queue uploaded.
      if (navigator.onLine) setRound((r) => r + 1);
    };
    addEventListener("online", update);
    addEventListener("offline", update);
    addEventListener("pointerdown", unlockSound);
    addEventListener("keydown", unlockSound);
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
      removeEventListener("pointerdown", unlockSound);
      removeEventListener("keydown", unlockSound);
    };
  }, []);
  useEffect(() => {
    if (!online) return;
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    let pending: ReturnType<typeof setTimeout> | null = null;
    // A burst of admissions at other gates is counted once, not once each.
    const stop = follow(client.admissions(saved.eventId), () => {
      pending ??= setTimeout(() => {
        pending = null;
        recount().catch(() => {});
      }, 500);
    });
    return () => {
      stop();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [online, round]);
  // Scans only this device has would be lost with it: the browser asks before the tab closes.
  useEffect(() => {
    if (queued === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, [queued > 0]);
  useEffect(() => {
    if (counts) saveTally({ ...counts, offlineAdmitted, offlineInside }).catch(() => {});
  }, [counts?.admitted, counts?.inside, offlineAdmitted, offlineInside]);
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(() => setShown((now) => (now?.id === shown.id ? null : now)), VERDICT_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  const scan = async (code: string) => {
    const started = performance.now();
    setChecking(true);
    setProblem(null);
    try {
      const answer = navigator.onLine ? await offline.scan(code, { exit: exiting }) : await offline.decide(code, { exit: exiting });
      const id = ++verdicts.current;
      if ("admittedCount" in answer) {
        showAnswer(answer as GateAdmission, started);
      } else {
        if (answer.result === "ADMITTED" && !answer.reentry) setOfflineAdmitted((n) => n + 1);
        if (answer.result !== "DENIED") setOfflineInside((n) => n + (answer.result === "ADMITTED" ? 1 : -1));
        setShown({ ...answer, name: answer.attendeeName, title: null, offline: true, id, ms: Math.round(performance.now() - started) });
      }
      signalVerdict(answer.result !== "DENIED");
      setQueued(offline.pending.length);
    } catch (error) {
      setProblem(gateErrorWords(error));
      signalVerdict(false);
    } finally {
      setChecking(false);
    }
  };
  /** The server's answer on the screen: a scan's, or an admission by ticket id from the search. */
  const showAnswer = (answer: GateAdmission, started: number) => {
    const id = ++verdicts.current;
    setCounts((now) => ({ admitted: Math.max(now?.admitted ?? 0, answer.admittedCount), inside: now?.inside ?? 0 }));
    setShown({
      result: answer.result,
      reason: answer.reason,
      seat: answer.ticket?.seat ?? null,
      name: answer.ticket?.attendeeName ?? null,
      title: answer.ticket?.event.title ?? null,
      offline: false,
      firstUsedAt: answer.firstUsedAt ?? null,
      firstUsedGate: answer.firstUsedGate ?? null,
      id,
      ms: Math.round(performance.now() - started),
    });
    setLast(answer.undoableUntil ? { id: answer.id, until: String(answer.undoableUntil) } : null);
    recount().catch(() => {});
  };
  const signOut = async () => {
    await forgetGate();
    onSignedOut();
  };
  const admitted = counts === null ? null : counts.admitted + offlineAdmitted;
  const ok = shown?.result === "ADMITTED" || shown?.result === "EXITED";
  return (
    <div class="gate">
      <header class="bar">
        <h1>
          {gw.gate(saved.gateName)}
          <span class="bar-sub">
            {saved.eventTitle}
            {saved.listName ? ` · ${saved.listName}` : ""}
          </span>
        </h1>
        <span class="counts">
          <span role="status" aria-live="polite" data-testid="admitted-count">
            {gw.admittedCount(admitted === null ? "…" : String(admitted))}
          </span>
          <span data-testid="inside-count">{gw.insideCount(counts ? String(counts.inside + offlineInside) : "…")}</span>
        </span>
      </header>
      <main>
        {!online && (
          <p class="offline-banner" role="status">
            {gw.offlineFrom(offline.snapshotAsOf ? clockTime(offline.snapshotAsOf) : "—")}
          </p>
        )}
        <label class="event-choice">
          <input type="checkbox" checked={exiting} onChange={(e) => setExiting(e.currentTarget.checked)} />
          {gw.exitSwitch}
        </label>
        <ContinuousScanner
          onCode={(code) => void scan(code)}
          paused={checking}
          hint={checking ? gw.checking : gw.holdTicket}
          onUnavailable={() => setCameraDown(true)}
        />
        <p data-testid="queued-scans" class="note">
          {queued === 0 ? gw.allSent : gw.waiting(queued)}
          {queued > 0 && online && (
            <button type="button" onClick={() => void refresh()}>
              {gw.sendNow}
            </button>
          )}
        </p>
        {offline.refused.length > 0 && (
          <p data-testid="refused-scans" class="note" role="alert">
            {gw.refused(offline.refused.length)}
          </p>
        )}
        <Problem text={problem} />
        {online && <UndoLast client={client} last={last} onUndone={() => recount().catch(() => {})} />}
        <SearchDesk client={client} offline={offline} saved={saved} online={online} onAnswer={(answer) => (showAnswer(answer, performance.now()), signalVerdict(answer.result !== "DENIED"))} />
        <details class="typed" open={cameraDown}>
          <summary>{gw.typeInstead}</summary>
          <TypedCode label={gw.typeTicket} onCode={(code) => void scan(code)} busy={checking} />
        </details>
        <p class="note">
          {queued > 0 ? (
            gw.signOutLater
          ) : (
            <button type="button" onClick={() => void signOut()}>
              {gw.signOut}
            </button>
          )}
        </p>
      </main>
      {shown && (
        <div class={`verdict ${ok ? "ok" : "bad"}`} role="alert" data-testid="verdict" data-result={shown.result} data-ms={shown.ms} onClick={() => setShown(null)}>
          <p class="big-word">{shown.result === "ADMITTED" ? gw.admitted : shown.result === "EXITED" ? gw.letOut : gw.denied}</p>
          <p class="reason">{ok ? (shown.seat ? gw.seat(shown.seat) : gw.welcome) : reasonText(shown)}</p>
          {shown.name && <p data-testid="attendee-name">{shown.name}</p>}
          {shown.title && <p>{shown.title}</p>}
          {shown.offline && <p>{gw.decidedOffline}</p>}
          <p>{gw.soFar(admitted === null ? "…" : String(admitted))}</p>
        </div>
      )}
    </div>
  );
}
