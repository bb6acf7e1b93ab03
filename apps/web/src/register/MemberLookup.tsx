import { WalletApiError, type Membership } from "@clients/common";
import type { PointsResult } from "@clients/register";
import { useState } from "preact/hooks";
import { idempotencyKey } from "../shared/errors";
import { day } from "../shared/format";
import { Problem } from "../shared/problem";
import { errorWords } from "../shared/words";
import { rw } from "./register-words";
import type { RegisterSession } from "./session";

type By = "phone" | "customerNumber";

/** Every miss is the server's one NOT_FOUND: said once, in the clerk's words. */
const lookupProblem = (error: unknown) => (error instanceof WalletApiError && error.code === "NOT_FOUND" ? rw.memberNotFound : errorWords(error));

/**
 * A regular served without their app: the clerk finds the membership by the customer
 * number on a receipt from this store or by the member's phone number (only members who
 * allow it are found; any other answer is the same "not found"), reads the points, what
 * expires and the offers, and may add the points this purchase earns. Redeeming points
 * still needs the member's code on their phone.
 */
export function MemberLookup({ session }: { session: RegisterSession }) {
  const [by, setBy] = useState<By>("phone");
  const [value, setValue] = useState("");
  const [member, setMember] = useState<Membership | null>(null);
  const [purchase, setPurchase] = useState("");
  const [earned, setEarned] = useState<PointsResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const find = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setMember(null);
    setEarned(null);
    setBusy(true);
    try {
      const text = value.trim();
      setMember(await session.client.lookupMember(by === "phone" ? { phone: text } : { customerNumber: text.replace(/\s/g, "") }));
    } catch (error) {
      setProblem(lookupProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const earn = async (event: Event) => {
    event.preventDefault();
    const amount = Number(purchase);
    if (!Number.isSafeInteger(amount) || amount < 0) return setProblem(rw.amountFirst);
    setProblem(null);
    setBusy(true);
    try {
      const result = await session.client.earnPoints(member!.memberNumber, amount, idempotencyKey());
      setEarned(result);
      setMember(result.membership);
      setPurchase("");
    } catch (error) {
      setProblem(lookupProblem(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="member-title">
      <h2 id="member-title">{rw.memberTitle}</h2>
      <form onSubmit={find}>
        <fieldset class="event-list">
          <legend>{rw.findBy}</legend>
          {(["phone", "customerNumber"] as const).map((choice) => (
            <label key={choice} class="event-choice">
              <input type="radio" name="member-by" value={choice} checked={by === choice} onChange={() => (setBy(choice), setValue(""))} />
              <span>{choice === "phone" ? rw.byPhone : rw.byCustomerNumber}</span>
            </label>
          ))}
        </fieldset>
        <label>
          {by === "phone" ? rw.memberPhone : rw.customerNumberDigits}
          <input
            type={by === "phone" ? "tel" : "text"}
            inputMode={by === "phone" ? "tel" : "numeric"}
            autocomplete="off"
            required
            placeholder={by === "phone" ? "+819012345678" : "0123456789"}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {rw.findMember}
        </button>
      </form>
      <p class="note">{rw.lookupNote}</p>
      <Problem text={problem} />
      {member && (
        <div class="panel" data-testid="member-found">
          <p>
            <strong>{member.programName}</strong> · {rw.memberNumber(member.memberNumber)}
          </p>
          <p class="amount" data-testid="member-points">
            {rw.memberPoints(member.points)}
          </p>
          {member.pointsExpiringSoon > 0 && (
            <p class="warn">{member.nextExpiry ? rw.expiringOn(member.pointsExpiringSoon, day(member.nextExpiry, session.store.timeZone)) : rw.expiringSoon(member.pointsExpiringSoon)}</p>
          )}
          {member.nextExpiry && member.pointsExpiringSoon === 0 && <p>{rw.nextExpiry(day(member.nextExpiry, session.store.timeZone))}</p>}
          {member.offers.length > 0 && (
            <ul class="list">
              {member.offers.map((offer) => (
                <li key={offer.id}>{rw.offer(offer.title, offer.description)}</li>
              ))}
            </ul>
          )}
          {earned && (
            <p role="status" class="notice ok" data-testid="points-earned">
              {rw.pointsEarned(earned.pointsEarned)}
            </p>
          )}
          <form onSubmit={earn}>
            <label>
              {rw.purchaseAmount(session.currency)}
              <input type="number" inputMode="numeric" min="0" step="1" required value={purchase} onInput={(e) => setPurchase(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={busy}>
              {rw.earnPoints}
            </button>
          </form>
          <p class="note">{rw.redeemNeedsCode}</p>
        </div>
      )}
    </section>
  );
}
