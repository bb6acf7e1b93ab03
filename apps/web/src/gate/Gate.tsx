import { GateClient, type Admission } from "@clients/gate";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { follow } from "../shared/live";
import { CodeInput } from "../shared/scanner";

const REASONS: Record<string, string> = {
  ALREADY_USED: "Already used",
  NOT_YET_VALID: "Not valid yet",
  EXPIRED: "Expired",
  WRONG_EVENT: "Another event's ticket",
  REVOKED: "Revoked",
  INVALID: "Not a valid ticket",
};

interface GateSession {
  client: GateClient;
  eventId: string;
  gateName: string;
}

/**
 * A venue's gate: each scan turns the screen green or red with the reason, and the count
 * of admitted people follows every gate of the event live. Working offline (from the
 * event's snapshot, synced later) needs the server's gateSnapshot and syncScans, which
 * are not built yet. The API key stays in memory only.
 */
export function Gate() {
  const [session, setSession] = useState<GateSession | null>(null);
  const [admitted, setAdmitted] = useState<number | null>(null);
  const [shown, setShown] = useState<Admission | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verdict = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!session) return;
    session.client.attendance(session.eventId).then((a) => setAdmitted((now) => Math.max(now ?? 0, a.admitted)), () => {});
    return follow(session.client.admissions(session.eventId), (admission) => setAdmitted((now) => Math.max(now ?? 0, admission.admittedCount)));
  }, [session]);
  useEffect(() => verdict.current?.focus(), [shown]);
  if (!session) return <SignIn onSignedIn={setSession} />;
  const scan = async (code: string) => {
    setBusy(true);
    setProblem(null);
    try {
      const admission = await session.client.admitTicket(code, session.eventId, session.gateName);
      setAdmitted((now) => Math.max(now ?? 0, admission.admittedCount));
      setShown(admission);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  if (shown) {
    const ok = shown.result === "ADMITTED";
    return (
      <div ref={verdict} tabIndex={-1} class={`verdict ${ok ? "ok" : "bad"}`} role="alert" onClick={() => setShown(null)}>
        <p class="big-word">{ok ? "Admitted" : "Denied"}</p>
        <p class="reason">{ok ? (shown.ticket?.seat ? `Seat ${shown.ticket.seat}` : "Welcome") : REASONS[shown.reason ?? "INVALID"]}</p>
        {shown.ticket && <p>{shown.ticket.event.title}</p>}
        <p>Admitted so far: {admitted ?? shown.admittedCount}</p>
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
        <span role="status" aria-live="polite" data-testid="admitted-count">
          Admitted: {admitted ?? "…"}
        </span>
      </header>
      <main>
        <p class="note">Inside counts and offline admission come with the server's gate snapshot and exits, not built yet.</p>
        {problem && (
          <p role="alert" class="problem">
            {problem}
          </p>
        )}
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
            await client.attendance(eventId.trim()); // the key works and may see this event
            onSignedIn({ client, eventId: eventId.trim(), gateName: gateName.trim() || "Main" });
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
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
    </main>
  );
}
