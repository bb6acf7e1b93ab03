import type { Payment } from "@clients/common";
import type { Card } from "@clients/phone";
import { useEffect, useState } from "preact/hooks";
import { errorText, isNetworkFailure } from "../shared/errors";
import { money } from "../shared/format";
import { follow } from "../shared/live";
import { CodeView } from "./code-view";
import { OfflineToken } from "./offline-token";
import { withKey, type PhoneSession } from "./session";
import { withVerificationIfAsked } from "./user-verification";

/**
 * Pay with a code: pick a card, show its QR; the code renews itself before it expires.
 * When a store uses it, the result arrives live (paymentUpdates) and replaces the code.
 */
/** The cards this page last saw, in memory only: a tab opened with no network can still make an offline token. */
const cardsSeen = new Map<string, Card[]>();

export function Pay({ session }: { session: PhoneSession }) {
  const [cards, setCards] = useState<Card[] | null>(null);
  const [cardId, setCardId] = useState<string | null>(null);
  const [showing, setShowing] = useState(false);
  const [last, setLast] = useState<Payment | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  // The browser may think it is online while the server is out of reach: a failed request says otherwise.
  const [unreachable, setUnreachable] = useState(false);
  useEffect(() => {
    const use = (available: Card[]) => {
      setCards(available);
      setCardId(available[0]?.id ?? null);
    };
    session.client.cards().then(
      (all) => {
        const available = all.filter((card) => card.status === "AVAILABLE");
        cardsSeen.set(session.customerId, available);
        use(available);
      },
      (error) => {
        const seen = cardsSeen.get(session.customerId);
        if (!isNetworkFailure(error) || !seen) return setProblem(errorText(error));
        setUnreachable(true);
        use(seen);
      },
    );
    const stop = follow(session.client.paymentUpdates(), (payment) => {
      setLast(payment);
      if (payment.status !== "PROCESSING") setShowing(false);
    });
    const update = () => {
      setOnline(navigator.onLine);
      if (navigator.onLine) setUnreachable(false);
    };
    addEventListener("online", update);
    addEventListener("offline", update);
    return () => {
      stop();
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, [session]);
  const offline = !online || unreachable;
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!cards) return <p aria-live="polite">Loading your cards…</p>;
  if (cards.length === 0) return <p>No card is available for payments. Turn one on under Cards.</p>;
  return (
    <section aria-labelledby="pay-title">
      <h2 id="pay-title">Pay</h2>
      {offline && (
        <p class="offline-banner" role="status">
          You are offline. A store can still take an offline payment code.
        </p>
      )}
      <label>
        Card
        <select value={cardId ?? ""} onChange={(e) => setCardId(e.currentTarget.value)}>
          {cards.map((card) => (
            <option value={card.id} key={card.id}>
              {card.label ?? card.institution} · {card.brand} •••• {card.last4}
            </option>
          ))}
        </select>
      </label>
      {offline && cardId ? (
        <OfflineToken key={cardId} session={session} cardId={cardId} />
      ) : showing && cardId ? (
        <>
          <CodeView
            key={cardId}
            label="Payment code QR"
            renew
            issue={() => withVerificationIfAsked(session, (verified) => withKey(session, (key) => session.client.issuePaymentCode(cardId, key, null, "none", verified)))}
            onError={(error) => isNetworkFailure(error) && setUnreachable(true)}
          />
          <button type="button" onClick={() => setShowing(false)}>
            Hide the code
          </button>
        </>
      ) : (
        <button
          type="button"
          class="primary big"
          onClick={() => {
            setLast(null);
            setShowing(true);
          }}
        >
          Show a payment code
        </button>
      )}
      {last && <PaymentNotice payment={last} />}
    </section>
  );
}

function PaymentNotice({ payment }: { payment: Payment }) {
  const text: Record<string, string> = {
    APPROVED: "Paid",
    PENDING_CONFIRMATION: "Waiting for your confirmation",
    DECLINED: "Declined",
    REJECTED_BY_CUSTOMER: "You rejected",
    EXPIRED: "Not confirmed in time",
    VOIDED: "Cancelled by the store",
    REFUNDED: "Refunded",
    PROCESSING: "Processing",
  };
  return (
    <p role="status" class={`notice ${payment.status === "APPROVED" ? "ok" : ""}`}>
      {text[payment.status]}: {money(payment.amount, payment.currency)} at {payment.storeName}
      {payment.approvalNumber ? ` · approval ${payment.approvalNumber}` : ""}
    </p>
  );
}
