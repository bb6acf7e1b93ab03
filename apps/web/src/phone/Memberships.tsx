import { useState } from "preact/hooks";
import { when } from "../shared/format";
import { useLoad } from "../shared/use-load";
import { phoneErrorWords } from "./phone-words";
import { CodeView } from "./code-view";
import { withKey, type PhoneSession } from "./session";

/** Loyalty programs: points, what expires soon, offers, and the member QR for the counter. */
export function Memberships({ session }: { session: PhoneSession }) {
  const { value, problem } = useLoad(() => session.client.memberships(), [session], phoneErrorWords);
  const [showing, setShowing] = useState<string | null>(null);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">Loading your memberships…</p>;
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Memberships</h2>
      {value.length === 0 && <p>No memberships yet.</p>}
      <ul class="list">
        {value.map((m) => (
          <li key={m.programId} class="stack">
            <strong>{m.programName}</strong>
            <span>
              Member {m.memberNumber} · <strong>{m.points}</strong> points
            </span>
            {m.pointsExpiringSoon > 0 && (
              <span class="warn">
                {m.pointsExpiringSoon} points expire {m.nextExpiry ? `on ${when(m.nextExpiry)}` : "soon"}
              </span>
            )}
            {m.offers.map((offer) => (
              <span key={offer.id}>
                Offer: {offer.title} — {offer.description}
              </span>
            ))}
            {showing === m.programId ? (
              <CodeView label={`${m.programName} member code QR`} renew issue={() => withKey(session, (key) => session.client.issueMemberCode(m.programId, key))} />
            ) : (
              <button type="button" onClick={() => setShowing(m.programId)}>
                Show member code
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
