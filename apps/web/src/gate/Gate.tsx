import type { DenialReason } from "@clients/wire/admission-rules";
import { GateClient } from "@clients/gate";
import { OfflineGate } from "@clients/offline-gate";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { follow } from "../shared/live";
import { CodeInput } from "../shared/scanner";
import { Problem } from "../shared/problem";

/** Every reason the shared rule (clients/wire/admission-rules.ts) may give, in the gate's words. */
const REASONS: Record<DenialReason, string> = {
  ALREADY_USED: "Already used",
  NOT_YET_VALID: "Not valid yet",
  EXPIRED: "Expired",
  WRONG_EVENT: "Another event's ticket",
  REVOKED: "Revoked",
  INVALID: "Not a valid ticket",
  STALE: "An old code (a screenshot?)",
  TOO_SOON: "Used moments ago: wait before re-entry",
  NOT_ADMITTED: "Never came in: nothing to let out",
};

interface GateSession {
  client: GateClient;
  eventId: string;
  gateName: string;
  offline: OfflineGate;
}

/** What the screen shows of a scan, decided by the server or, offline, by the gate. */
interface Shown {
  result: string;
  reason: string | null;
  seat: string | null;
  title: string | null;
  offline: boolean;
}

/** While online, the snapshot takes other gates' scans this often, so an offline spell starts from a recent state. */
const REFRESH_MS = 10_000;

/**
 * A venue's gate: each scan turns the screen green or red with the reason; the admitted
 * and inside counts follow every gate of the event live. With no network it keeps
 * deciding from the event's snapshot (clients/offline-gate.ts, the server's own rules and
 * signature check), queues its scans, and uploads them when the network is back. The API
 * key stays in memory only.
 */
export function Gate() {
  const [session, setSession] = useState<GateSession | null>(null);
  const [counts, setCounts] = useState<{ admitted: number; inside: number } | null>(null);
  const [offlineAdmitted, setOfflineAdmitted] = useState(0);
  const [queued, setQueued] = useState(0);
  const [online, setOnline] = useState(navigator.onLine);
  const [round, setRound] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verdict = useRef<HTMLDivElement>(null);
  const recount = async (s: GateSession) => {
    const now = await s.client.attendanceNow(s.eventId);
    setCounts({ admitted: now.admitted, inside: now.inside });
  };
  /** Uploads the queue and takes the changes since the last snapshot; fails quietly while the network is down. */
  const refresh = async (s: GateSession) => {
    try {
      await s.offline.refresh();
      setQueued(s.offline.pending.length);
      if (s.offline.pending.length === 0) setOfflineAdmitted(0);
      await recount(s);
    } catch {
      setQueued(s.offline.pending.length);
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
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, []);
  useEffect(() => {
    if (!session || !online) return;
    void refresh(session);
    const timer = setInterval(() => void refresh(session), REFRESH_MS);
    let pending: ReturnType<typeof setTimeout> | null = null;
    // A burst of admissions at other gates is counted once, not once each.
    const stop = follow(session.client.admissions(session.eventId), () => {
      pending ??= setTimeout(() => {
        pending = null;
        recount(session).catch(() => {});
      }, 500);
    });
    return () => {
      stop();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [session, online, round]);
  useEffect(() => verdict.current?.focus(), [shown]);
  if (!session) return <SignIn onSignedIn={setSession} />;
  const scan = async (code: string) => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = navigator.onLine ? await session.offline.scan(code) : await session.offline.decide(code);
      if ("admittedCount" in answer) {
        setCounts((now) => ({ admitted: Math.max(now?.admitted ?? 0, answer.admittedCount), inside: now?.inside ?? 0 }));
        setShown({ result: answer.result, reason: answer.reason, seat: answer.ticket?.seat ?? null, title: answer.ticket?.event.title ?? null, offline: false });
        recount(session).catch(() => {});
      } else {
        if (answer.result === "ADMITTED") setOfflineAdmitted((n) => n + 1);
        setShown({ result: answer.result, reason: answer.reason, seat: null, title: null, offline: true });
      }
      setQueued(session.offline.pending.length);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const admitted = counts === null ? null : counts.admitted + offlineAdmitted;
  if (shown) {
    const ok = shown.result === "ADMITTED";
    return (
      <div ref={verdict} tabIndex={-1} class={`verdict ${ok ? "ok" : "bad"}`} role="alert" onClick={() => setShown(null)}>
        <p class="big-word">{ok ? "Admitted" : shown.result === "EXITED" ? "Let out" : "Denied"}</p>
        <p class="reason">{ok ? (shown.seat ? `Seat ${shown.seat}` : "Welcome") : ((REASONS as Record<string, string>)[shown.reason ?? "INVALID"] ?? shown.reason)}</p>
        {shown.title && <p>{shown.title}</p>}
        {shown.offline && <p>Decided offline: sent to the server when the network is back.</p>}
        <p>Admitted so far: {admitted ?? "…"}</p>
        <button type="button" class="big" onClick={() => setShown(null)}>
          Next ticket
        </button>
      </div>
    );
  }
  return (
    <div class="gate">
      <header class="bar">
        <h1>Gate {session.gateName}</h1>
        <span class="counts">
          <span role="status" aria-live="polite" data-testid="admitted-count">
            Admitted: {admitted ?? "…"}
          </span>
          <span data-testid="inside-count">Inside: {counts ? counts.inside + offlineAdmitted : "…"}</span>
        </span>
      </header>
      <main>
        {!online && (
          <p class="offline-banner" role="status">
            Offline: admitting from the snapshot of {session.offline.snapshotAsOf ? new Date(session.offline.snapshotAsOf).toLocaleTimeString() : "—"}.
          </p>
        )}
        <p data-testid="queued-scans" class="note">
          {queued === 0 ? "Every scan is on the server." : `${queued} scan${queued === 1 ? "" : "s"} waiting to be sent.`}
          {queued > 0 && online && (
            <button type="button" onClick={() => void refresh(session)}>
              Send now
            </button>
          )}
        </p>
        {session.offline.refused.length > 0 && (
          <p data-testid="refused-scans" class="note" role="alert">
            {session.offline.refused.length} scan{session.offline.refused.length === 1 ? " was" : "s were"} made with this device's clock ahead of the
            server's and not counted: set the clock.
          </p>
        )}
        <Problem text={problem} />
        <CodeInput label="Or type the ticket's code" onCode={scan} busy={busy} />
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (session: GateSession) => void }) {
  const [apiKey, setApiKey] = useState("");
  const [eventId, setEventId] = useState("");
  const [gateName, setGateName] = useState("Main");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <main class="narrow">
      <h1>Gate sign-in</h1>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setProblem(null);
          const client = new GateClient(location.origin, apiKey.trim());
          try {
            const gate = gateName.trim() || "Main";
            // The key works and may see this event; the snapshot is there before the network goes.
            const offline = new OfflineGate(client, eventId.trim(), gate);
            await offline.refresh();
            onSignedIn({ client, eventId: eventId.trim(), gateName: gate, offline });
          } catch (error) {
            setProblem(errorText(error));
          }
        }}
      >
        <label>
          The gate's API key
          <input type="password" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <label>
          Event ID
          <input required value={eventId} onInput={(e) => setEventId(e.currentTarget.value)} />
        </label>
        <label>
          Gate name
          <input required value={gateName} onInput={(e) => setGateName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Open the gate
        </button>
      </form>
      <Problem text={problem} />
    </main>
  );
}
