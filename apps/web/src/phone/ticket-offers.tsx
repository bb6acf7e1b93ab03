import type { TicketOffer } from "@clients/tickets";
import { useEffect, useState } from "preact/hooks";
import { when } from "../shared/format";
import { follow } from "../shared/live";
import { Problem } from "../shared/problem";
import { useLoad } from "../shared/use-load";
import { phoneErrorWords, pw } from "./phone-words";
import type { PhoneSession } from "./session";

/**
 * Tickets offered to this phone, to accept (with the name the gate will show) or
 * decline, and those it offered, to cancel while nobody has answered. Both sides hear of
 * every change live (`ticketOffers`), so the list follows without a reload; `onMoved`
 * tells the tickets list that a ticket came or went.
 */
export function TicketOffers({ session, onMoved }: { session: PhoneSession; onMoved: () => void }) {
  const { value, problem, reload } = useLoad(() => session.client.ticketOffers(), [session], phoneErrorWords);
  useEffect(
    () =>
      follow(session.client.ticketOffersLive(), (offer) => {
        reload();
        if (offer.status === "ACCEPTED") onMoved();
      }),
    [session],
  );
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  const open = (value ?? []).filter((o) => o.status === "OFFERED");
  if (open.length === 0) return null;
  return (
    <section aria-labelledby="offers-title">
      <h3 id="offers-title">{pw.offersTitle}</h3>
      <ul class="list">
        {open.map((offer) => (
          <Offer key={offer.id} session={session} offer={offer} onDone={(moved) => (reload(), moved && onMoved())} />
        ))}
      </ul>
    </section>
  );
}

function Offer({ session, offer, onDone }: { session: PhoneSession; offer: TicketOffer; onDone: (moved: boolean) => void }) {
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (move: () => Promise<unknown>, moved: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      await move();
      onDone(moved);
    } catch (error) {
      setProblem(phoneErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="stack" data-testid="ticket-offer">
      <strong>{offer.event.title}</strong>
      <span>
        {offer.event.venue} · {pw.doors(when(offer.event.doorsOpenAt))}
        {offer.seat ? pw.seat(offer.seat) : ""}
      </span>
      <span>{offer.incoming ? pw.offeredBy(offer.fromPhone, when(offer.expiresAt)) : pw.offeredTo(offer.toPhone, when(offer.expiresAt))}</span>
      {offer.incoming ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void act(() => session.client.acceptTicketOffer(offer.id, name.trim() || null), true);
          }}
        >
          <label>
            {pw.attendeeName}
            <input autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>
              {pw.acceptOffer}
            </button>
            <button type="button" disabled={busy} onClick={() => void act(() => session.client.declineTicketOffer(offer.id), false)}>
              {pw.declineOffer}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" disabled={busy} onClick={() => void act(() => session.client.cancelTicketOffer(offer.id), false)}>
          {pw.cancelOffer}
        </button>
      )}
      <Problem text={problem} />
    </li>
  );
}
