import { GateClient, type OpenEvent } from "@clients/gate";
import { OfflineGate } from "@clients/offline-gate";
import { useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { unlockSound } from "../shared/feedback";
import { Problem } from "../shared/problem";
import type { GateSession } from "./session";
import { forgetGate, saveGate, saveGateState, saveTally } from "./gate-store";

const when = (at: string) => new Date(at).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * Staff set a gate up in seconds: the key, then the event picked from the list of its
 * shop's events that are not over, and the gate's name. The snapshot is taken before
 * the gate opens, so it can admit from the first minute even if the network goes.
 */
export function GateSignIn({ onSignedIn }: { onSignedIn: (session: GateSession) => void }) {
  const [apiKey, setApiKey] = useState("");
  const [events, setEvents] = useState<OpenEvent[] | null>(null);
  const [eventId, setEventId] = useState("");
  const [gateName, setGateName] = useState("Main");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const findEvents = async () => {
    setProblem(null);
    setBusy(true);
    try {
      const found = await new GateClient(location.origin, apiKey.trim()).openEvents();
      setEvents(found);
      setEventId(found.length === 1 ? found[0].id : "");
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const open = async () => {
    const event = events?.find((e) => e.id === eventId);
    if (!event) return setProblem("Pick the event this gate admits to.");
    setProblem(null);
    setBusy(true);
    unlockSound();
    try {
      const client = new GateClient(location.origin, apiKey.trim());
      const gate = gateName.trim() || "Main";
      const offline = new OfflineGate(client, event.id, gate, { save: saveGateState });
      const saved = { apiKey: apiKey.trim(), eventId: event.id, eventTitle: event.title, gateName: gate };
      await saveGate(saved);
      await offline.refresh();
      // The counts too, so a gate that loses the network at once still counts on from them.
      const now = await client.attendanceNow(event.id);
      const tally = { admitted: now.admitted, inside: now.inside, offlineAdmitted: 0 };
      await saveTally(tally);
      onSignedIn({ client, saved, offline, tally });
    } catch (error) {
      await forgetGate().catch(() => {});
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="narrow">
      <h1>Gate sign-in</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void (events ? open() : findEvents());
        }}
      >
        <label>
          The gate's API key
          <input
            type="password"
            autocomplete="off"
            required
            value={apiKey}
            onInput={(e) => {
              setApiKey(e.currentTarget.value);
              setEvents(null);
            }}
          />
        </label>
        {events === null ? (
          <button type="submit" class="primary" disabled={busy || !apiKey.trim()}>
            Show the events
          </button>
        ) : events.length === 0 ? (
          <p role="status">This key's shop has no event on now or to come.</p>
        ) : (
          <>
            <fieldset class="event-list">
              <legend>Event</legend>
              {events.map((event) => (
                <label key={event.id} class="event-choice">
                  <input type="radio" name="event" value={event.id} checked={eventId === event.id} onChange={() => setEventId(event.id)} />
                  <span>
                    <strong>{event.title}</strong>
                    <span class="when">
                      {event.venue} · doors {when(event.doorsOpenAt)}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
            <label>
              Gate name
              <input required value={gateName} onInput={(e) => setGateName(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={busy || !eventId}>
              Open the gate
            </button>
          </>
        )}
      </form>
      <Problem text={problem} />
    </main>
  );
}
