import { useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { CodeView } from "./code-view";
import { RotatingTicket } from "./rotating-ticket";
import { withKey, type PhoneSession } from "./session";
import { Problem } from "../shared/problem";
import { TicketOffers } from "./ticket-offers";
import { WalletButtons } from "./wallet-buttons";

/**
 * Tickets held by this phone number: the QR from its release time, giving a ticket to a
 * friend's number at once or offering it (they accept first), and the offers to answer. The QR rotates (rotating-ticket.tsx); the server's static signed
 * code is the fallback, asked for by the customer or shown when no rotating one is had.
 */
export function Tickets({ session }: { session: PhoneSession }) {
  const { value, problem, reload } = useLoad(() => session.client.tickets(), [session], phoneErrorWords);
  const [showing, setShowing] = useState<string | null>(null);
  const [allotting, setAllotting] = useState<{ ticketId: string; offer: boolean } | null>(null);
  const [fixed, setFixed] = useState<{ ticketId: string; why: string | null } | null>(null);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">{pw.loadingTickets}</p>;
  return (
    <section aria-labelledby="tickets-title">
      <h2 id="tickets-title">{pw.ticketsTitle}</h2>
      <TicketOffers session={session} onMoved={reload} />
      {value.length === 0 && <p>{pw.noTickets}</p>}
      <ul class="list">
        {value.map((ticket) => (
          <li key={ticket.id} class="stack">
            <strong>{ticket.event.title}</strong>
            <span>
              {ticket.event.venue} · {pw.doors(when(ticket.event.doorsOpenAt))}
              {ticket.seat ? pw.seat(ticket.seat) : ""}
              {pw.usesLeft(ticket.usesLeft, ticket.usesAllowed)}
            </span>
            {new Date(ticket.releasedAt) > new Date() && <span>{pw.codeAppears(when(ticket.releasedAt))}</span>}
            {showing === ticket.id && fixed?.ticketId !== ticket.id && (
              <>
                <RotatingTicket
                  session={session}
                  ticketId={ticket.id}
                  label={pw.ticketQr(ticket.event.title)}
                  onUnavailable={(why) => setFixed({ ticketId: ticket.id, why })}
                />
                <button type="button" onClick={() => setFixed({ ticketId: ticket.id, why: null })}>
                  {pw.showFixed}
                </button>
              </>
            )}
            {showing === ticket.id && fixed?.ticketId === ticket.id && (
              <>
                {fixed.why && <p class="note">{pw.noRotating(fixed.why)}</p>}
                <CodeView label={pw.ticketQr(ticket.event.title)} renew={false} issue={() => withKey(session, (key) => session.client.issueTicketCode(ticket.id, key))} />
              </>
            )}
            {showing !== ticket.id && (
              <button
                type="button"
                onClick={() => {
                  setShowing(ticket.id);
                  setFixed(null);
                }}
              >
                {pw.showTicketCode}
              </button>
            )}
            {new Date(ticket.releasedAt) <= new Date() && <WalletButtons session={session} of={{ ticketId: ticket.id }} name={ticket.event.title} />}
            {allotting?.ticketId === ticket.id ? (
              <Allot
                submit={allotting.offer ? pw.offerTicket : pw.giveTicket}
                onAllot={async (toPhone) => {
                  if (allotting.offer) await session.client.offerTicket(ticket.id, toPhone);
                  else await session.client.allotTicket(ticket.id, toPhone);
                  setAllotting(null);
                  reload();
                }}
                onCancel={() => setAllotting(null)}
              />
            ) : (
              <div class="row">
                <button type="button" onClick={() => setAllotting({ ticketId: ticket.id, offer: false })}>
                  {pw.giveToFriend}
                </button>
                <button type="button" onClick={() => setAllotting({ ticketId: ticket.id, offer: true })}>
                  {pw.offerToFriend}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Allot({ submit, onAllot, onCancel }: { submit: string; onAllot: (toPhone: string) => Promise<void>; onCancel: () => void }) {
  const [phone, setPhone] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await onAllot(phone.trim());
        } catch (error) {
          setProblem(phoneErrorWords(error));
        }
      }}
    >
      <label>
        {pw.friendPhone}
        <input type="tel" required autoFocus value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </label>
      <Problem text={problem} />
      <div class="row">
        <button type="submit" class="primary">
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          {pw.cancel}
        </button>
      </div>
    </form>
  );
}
