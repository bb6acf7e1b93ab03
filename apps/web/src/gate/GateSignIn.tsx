import { GateClient, type CheckInList, type OpenEvent } from "@clients/gate";
import { OfflineGate } from "@clients/offline-gate";
import { useEffect, useState } from "preact/hooks";
import { unlockSound } from "../shared/feedback";
import { Problem } from "../shared/problem";
import type { GateSession } from "./session";
import { forgetGate, saveGate, saveGateState, saveTally } from "./gate-store";
import { gateErrorWords, gw } from "./gate-words";
import { shortWhen } from "../shared/format";
import { LanguageSwitch } from "../shared/LanguageSwitch";

/**
 * Staff set a gate up in seconds: the key, then the event picked from the list of its
 * shop's events that are not over, the check-in list it scans for (when the event has
 * lists: a day of a festival, a VIP area), and the gate's name. The snapshot is taken before
 * the gate opens, so it can admit from the first minute even if the network goes.
 */
export function GateSignIn({ onSignedIn }: { onSignedIn: (session: GateSession) => void }) {
  const [apiKey, setApiKey] = useState("");
  const [events, setEvents] = useState<OpenEvent[] | null>(null);
  const [eventId, setEventId] = useState("");
  const [gateName, setGateName] = useState(gw.defaultGate);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lists, setLists] = useState<CheckInList[]>([]);
  const [listId, setListId] = useState("");
  useEffect(() => {
    setLists([]);
    setListId("");
    if (!eventId) return;
    new GateClient(location.origin, apiKey.trim())
      .checkInLists(eventId)
      .then(setLists)
      .catch(() => setLists([]));
  }, [eventId]);
  const findEvents = async () => {
    setProblem(null);
    setBusy(true);
    try {
      const found = await new GateClient(location.origin, apiKey.trim()).openEvents();
      setEvents(found);
      setEventId(found.length === 1 ? found[0].id : "");
    } catch (error) {
      setProblem(gateErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  const open = async () => {
    const event = events?.find((e) => e.id === eventId);
    if (!event) return setProblem(gw.pickEvent);
    setProblem(null);
    setBusy(true);
    unlockSound();
    try {
      const client = new GateClient(location.origin, apiKey.trim());
      const gate = gateName.trim() || gw.defaultGate;
      const list = lists.find((l) => l.id === listId) ?? null;
      const offline = new OfflineGate(client, event.id, gate, { save: saveGateState, listId: list?.id ?? null });
      const saved = { apiKey: apiKey.trim(), eventId: event.id, eventTitle: event.title, gateName: gate, listId: list?.id ?? null, listName: list?.name ?? null };
      await saveGate(saved);
      await offline.refresh();
      // The counts too, so a gate that loses the network at once still counts on from them.
      const now = await client.attendanceNow(event.id);
      const tally = { admitted: now.admitted, inside: now.inside, offlineAdmitted: 0 };
      await saveTally(tally);
      onSignedIn({ client, saved, offline, tally });
    } catch (error) {
      await forgetGate().catch(() => {});
      setProblem(gateErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="narrow">
      <LanguageSwitch />
      <h1>{gw.signInTitle}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void (events ? open() : findEvents());
        }}
      >
        <label>
          {gw.apiKey}
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
            {gw.showEvents}
          </button>
        ) : events.length === 0 ? (
          <p role="status">{gw.noEvents}</p>
        ) : (
          <>
            <fieldset class="event-list">
              <legend>{gw.event}</legend>
              {events.map((event) => (
                <label key={event.id} class="event-choice">
                  <input type="radio" name="event" value={event.id} checked={eventId === event.id} onChange={() => setEventId(event.id)} />
                  <span>
                    <strong>{event.title}</strong>
                    <span class="when">
                      {event.venue} · {gw.doors(shortWhen(event.doorsOpenAt))}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
            {lists.length > 0 && (
              <label>
                {gw.checkInList}
                <select value={listId} onChange={(e) => setListId(e.currentTarget.value)} data-testid="check-in-list">
                  <option value="">{gw.wholeEvent}</option>
                  {lists.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              {gw.gateName}
              <input required value={gateName} onInput={(e) => setGateName(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={busy || !eventId}>
              {gw.openGate}
            </button>
          </>
        )}
      </form>
      <Problem text={problem} />
    </main>
  );
}
