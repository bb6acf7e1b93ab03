import type { GateAdmission, GateClient, GateSearchHit } from "@clients/gate";
import type { OfflineGate, OfflineSearchHit } from "@clients/offline-gate";
import { useEffect, useState } from "preact/hooks";
import { Problem } from "../shared/problem";
import { gateErrorWords, gw } from "./gate-words";
import type { SavedGate } from "./gate-store";

/**
 * A visitor without a phone: the attendant searches the event's tickets by a part of the
 * name or the ticket number (the server's search, rate-limited and audited; offline, the
 * snapshot's), and admits the one found by its id with the gate's key (online only).
 */
export function SearchDesk({
  client,
  offline,
  saved,
  online,
  onAnswer,
}: {
  client: GateClient;
  offline: OfflineGate;
  saved: SavedGate;
  online: boolean;
  onAnswer: (answer: GateAdmission) => void;
}) {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Array<GateSearchHit | OfflineSearchHit> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const search = async () => {
    setProblem(null);
    if ([...query.trim()].length < 2) return setProblem(gw.searchTooShort);
    setBusy(true);
    try {
      setHits(online ? await client.gateSearch(saved.eventId, query.trim()) : offline.search(query));
    } catch (error) {
      setProblem(gateErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  const admit = async (ticketId: string) => {
    setProblem(null);
    setBusy(true);
    try {
      onAnswer(await client.admitTicketById(ticketId, saved.eventId, saved.gateName, saved.listId ?? null));
      setHits(null);
      setQuery("");
    } catch (error) {
      setProblem(gateErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="typed">
      <summary>{gw.noPhone}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          {gw.searchLabel}
          <input value={query} autocomplete="off" onInput={(e) => setQuery(e.currentTarget.value)} data-testid="gate-search" />
        </label>
        <button type="submit" disabled={busy}>
          {gw.search}
        </button>
      </form>
      {!online && <p class="note">{gw.searchOffline}</p>}
      {hits !== null && hits.length === 0 && <p role="status">{gw.noneFound}</p>}
      {hits !== null && hits.length > 0 && (
        <ul class="list" data-testid="search-hits">
          {hits.map((hit) => (
            <li key={hit.ticketId} class="stack">
              <strong>{hit.attendeeName ?? gw.noName}</strong>
              <span>
                {hit.issueNumber}
                {hit.seat ? ` · ${gw.seat(hit.seat)}` : ""} · {gw.usesLeft(hit.usesLeft, hit.usesAllowed)}
                {hit.inside ? ` · ${gw.inside}` : ""}
                {hit.revoked ? ` · ${gw.reason.REVOKED}` : ""}
              </span>
              {online && !hit.revoked && (
                <button type="button" class="primary" disabled={busy} onClick={() => void admit(hit.ticketId)}>
                  {gw.admitThis}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <Problem text={problem} />
    </details>
  );
}

/** The last admission this gate made, undone with one tap while it may be (a wrong ticket, a double tap). */
export function UndoLast({ client, last, onUndone }: { client: GateClient; last: { id: string; until: string } | null; onUndone: () => void }) {
  const [now, setNow] = useState(Date.now());
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    setProblem(null);
    setDone(null);
    if (!last) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [last?.id]);
  if (done === last?.id) return <p role="status" class="note">{gw.undone}</p>;
  if (!last || now >= new Date(last.until).getTime()) return null;
  const undo = async () => {
    try {
      await client.undoAdmission(last.id);
      setDone(last.id);
      onUndone();
    } catch (error) {
      setProblem(gateErrorWords(error));
    }
  };
  return (
    <p class="note">
      <button type="button" onClick={() => void undo()} data-testid="undo-admission">
        {gw.undoLast}
      </button>
      <Problem text={problem} />
    </p>
  );
}
