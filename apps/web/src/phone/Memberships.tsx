import { useState } from "preact/hooks";
import { day } from "../shared/format";
import { Problem } from "../shared/problem";
import { useLoad } from "../shared/use-load";
import { phoneErrorWords, pw } from "./phone-words";
import { CodeView } from "./code-view";
import { withKey, type PhoneSession } from "./session";
import { WalletButtons } from "./wallet-buttons";

/** Loyalty programs: points, what expires soon, offers, and the member QR for the counter. */
export function Memberships({ session }: { session: PhoneSession }) {
  const { value, setValue, problem } = useLoad(() => session.client.memberships(), [session], phoneErrorWords);
  const [showing, setShowing] = useState<string | null>(null);
  const [lookupProblem, setLookupProblem] = useState<string | null>(null);
  const setLookup = async (programId: string, allowed: boolean) => {
    setLookupProblem(null);
    try {
      const updated = await session.client.setMemberLookup(programId, allowed);
      setValue((value ?? []).map((m) => (m.programId === updated.programId ? updated : m)));
    } catch (error) {
      setLookupProblem(phoneErrorWords(error));
    }
  };
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">{pw.loadingMemberships}</p>;
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{pw.membershipsTitle}</h2>
      {value.length === 0 && <p>{pw.noMemberships}</p>}
      <Problem text={lookupProblem} />
      <ul class="list">
        {value.map((m) => (
          <li key={m.programId} class="stack">
            <strong>{m.programName}</strong>
            <span>
              {pw.member(m.memberNumber)}
              <strong>{m.points}</strong>
              {pw.points}
            </span>
            {m.pointsExpiringSoon > 0 && (
              <span class="warn">
                {m.nextExpiry ? pw.expiringOn(m.pointsExpiringSoon, day(m.nextExpiry)) : pw.expiringSoon(m.pointsExpiringSoon)}
              </span>
            )}
            {m.offers.map((offer) => (
              <span key={offer.id}>
                {pw.offer(offer.title, offer.description)}
              </span>
            ))}
            <label class="event-choice">
              <input type="checkbox" checked={m.lookupAllowed} onChange={(e) => setLookup(m.programId, e.currentTarget.checked)} />
              <span>{pw.letStoresFindMe}</span>
            </label>
            <WalletButtons session={session} of={{ programId: m.programId }} name={m.programName} />
            {showing === m.programId ? (
              <CodeView label={pw.memberQr(m.programName)} renew issue={() => withKey(session, (key) => session.client.issueMemberCode(m.programId, key))} />
            ) : (
              <button type="button" onClick={() => setShowing(m.programId)}>
                {pw.showMemberCode}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
