import { useState } from "preact/hooks";
import { errorText } from "../shared/errors";
import { when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { CodeView } from "./code-view";
import { withKey, type PhoneSession } from "./session";

/**
 * Tickets held by this phone number: the QR from its release time, and giving a ticket to
 * a friend's number. A QR that rotates every few seconds needs the server's rotating
 * ticket codes, which are not built yet: the code shown is the server's signed code.
 */
export function Tickets({ session }: { session: PhoneSession }) {
  const { value, problem, reload } = useLoad(() => session.client.tickets(), [session]);
  const [showing, setShowing] = useState<string | null>(null);
  const [allotting, setAllotting] = useState<string | null>(null);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">Loading your tickets…</p>;
  return (
    <section aria-labelledby="tickets-title">
      <h2 id="tickets-title">Tickets</h2>
      <p class="note">A rotating ticket QR comes with the server's rotating codes (not built yet).</p>
      {value.length === 0 && <p>No tickets.</p>}
      <ul class="list">
        {value.map((ticket) => (
          <li key={ticket.id} class="stack">
            <strong>{ticket.event.title}</strong>
            <span>
              {ticket.event.venue} · doors {when(ticket.event.doorsOpenAt)}
              {ticket.seat ? ` · seat ${ticket.seat}` : ""} · {ticket.usesLeft} of {ticket.usesAllowed} left
            </span>
            {new Date(ticket.releasedAt) > new Date() && <span>The code appears {when(ticket.releasedAt)}.</span>}
            {showing === ticket.id ? (
              <CodeView label={`Ticket QR for ${ticket.event.title}`} renew={false} issue={() => withKey(session, (key) => session.client.issueTicketCode(ticket.id, key))} />
            ) : (
              <button type="button" onClick={() => setShowing(ticket.id)}>
                Show ticket code
              </button>
            )}
            {allotting === ticket.id ? (
              <Allot
                onAllot={async (toPhone) => {
                  await session.client.allotTicket(ticket.id, toPhone);
                  setAllotting(null);
                  reload();
                }}
                onCancel={() => setAllotting(null)}
              />
            ) : (
              <button type="button" onClick={() => setAllotting(ticket.id)}>
                Give to a friend
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Allot({ onAllot, onCancel }: { onAllot: (toPhone: string) => Promise<void>; onCancel: () => void }) {
  const [phone, setPhone] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await onAllot(phone.trim());
        } catch (error) {
          setProblem(errorText(error));
        }
      }}
    >
      <label>
        Friend's phone number
        <input type="tel" required autoFocus value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </label>
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary">
          Give the ticket
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
