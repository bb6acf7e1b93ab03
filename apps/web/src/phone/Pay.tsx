import type { Payment } from "@clients/common";
import type { Card } from "@clients/phone";
import { useEffect, useState } from "preact/hooks";
import { WalletApiError } from "@clients/common";
import { isNetworkFailure } from "../shared/errors";
import { money } from "../shared/format";
import { follow } from "../shared/live";
import { CodeView } from "./code-view";
import { OfflineToken } from "./offline-token";
import { withKey, type PhoneSession } from "./session";
import { withVerificationIfAsked } from "./user-verification";
import { paymentWords, phoneErrorWords, pw } from "./phone-words";

/** The cards this page last saw, in memory only: a tab opened with no network can still make an offline token. */
const cardsSeen = new Map<string, Card[]>();

/**
 * How the code comes up: at once ("auto", nothing asked), after a tap when the server wants
 * to know who holds the phone first ("ask": the fingerprint, face or PIN prompt never
 * opens by itself), on show after that tap ("asked"), or hidden.
 */
type Showing = "auto" | "ask" | "asked" | "hidden";

/**
 * Pay with a code: the first available card's QR shows at once with the card's last four
 * digits; the code renews itself before it expires. When a store uses it, the result
 * arrives live (paymentUpdates) and replaces the code.
 */
export function Pay({ session }: { session: PhoneSession }) {
  const [cards, setCards] = useState<Card[] | null>(null);
  const [cardId, setCardId] = useState<string | null>(null);
  const [showing, setShowing] = useState<Showing>("auto");
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
        if (!isNetworkFailure(error) || !seen) return setProblem(phoneErrorWords(error));
        setUnreachable(true);
        use(seen);
      },
    );
    const stop = follow(session.client.paymentUpdates(), (payment) => {
      setLast(payment);
      if (payment.status !== "PROCESSING") setShowing("hidden");
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
  if (!cards) return <p aria-live="polite">{pw.loadingCards}</p>;
  if (cards.length === 0) return <p>{pw.noCardForPay}</p>;
  const card = cards.find((c) => c.id === cardId) ?? cards[0];
  const show = () => {
    setLast(null);
    setShowing("asked");
  };
  return (
    <section aria-labelledby="pay-title">
      <h2 id="pay-title">{pw.tabPay}</h2>
      {offline && (
        <p class="offline-banner" role="status">
          {pw.offlineBanner}
        </p>
      )}
      {cards.length > 1 && (
        <label>
          {pw.card}
          <select value={card.id} onChange={(e) => setCardId(e.currentTarget.value)}>
            {cards.map((c) => (
              <option value={c.id} key={c.id}>
                {c.label ?? c.institution} · {c.brand} •••• {c.last4}
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="pay-card" data-testid="pay-card">
        {card.label ?? card.institution} · {card.brand} <span class="last4">•••• {card.last4}</span>
      </p>
      {offline ? (
        <OfflineToken key={card.id} session={session} cardId={card.id} />
      ) : showing === "auto" || showing === "asked" ? (
        <>
          <CodeView
            key={`${card.id}-${showing}`}
            label={pw.paymentQr}
            renew
            issue={() =>
              showing === "auto"
                ? withKey(session, (key) => session.client.issuePaymentCode(card.id, key, null, "none", null))
                : withVerificationIfAsked(session, (verified) => withKey(session, (key) => session.client.issuePaymentCode(card.id, key, null, "none", verified)))
            }
            onError={(error) => {
              if (isNetworkFailure(error)) setUnreachable(true);
              // The server wants to know who holds the phone: a tap opens the prompt, never the page by itself.
              if (showing === "auto" && error instanceof WalletApiError && error.code === "VERIFICATION_REQUIRED") setShowing("ask");
            }}
          />
          <button type="button" onClick={() => setShowing("hidden")}>
            {pw.hideCode}
          </button>
        </>
      ) : (
        <>
          {showing === "ask" && <p>{pw.confirmFirst}</p>}
          <button type="button" class="primary big" onClick={show}>
            {showing === "ask" ? pw.showPaymentCode : pw.showNewPaymentCode}
          </button>
        </>
      )}
      {last && <PaymentNotice payment={last} />}
    </section>
  );
}

function PaymentNotice({ payment }: { payment: Payment }) {
  return (
    <p role="status" class={`notice ${payment.status === "APPROVED" ? "ok" : ""}`}>
      {pw.paymentNotice(paymentWords(payment.status), money(payment.amount, payment.currency), payment.storeName)}
      {payment.approvalNumber ? pw.approvalNumber(payment.approvalNumber) : ""}
    </p>
  );
}
