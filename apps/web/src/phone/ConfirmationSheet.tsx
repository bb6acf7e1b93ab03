import type { Payment } from "@clients/common";
import type { ConfirmationRequest } from "@clients/phone";
import { useEffect, useRef, useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { money } from "../shared/format";
import { follow } from "../shared/live";
import { withKey, type PhoneSession } from "./session";
import { Problem } from "../shared/problem";
import { useModal } from "../shared/modal";
import { ConfirmationCountdown } from "./confirmation-countdown";
import { VerificationCancelled, verifyUser } from "./user-verification";

const where = (payment: Payment) => pw.amountAt(money(payment.amount, payment.currency), payment.storeName);

/** Why a sheet closed without the customer's answer, in one sentence. */
const CLOSED_BECAUSE = {
  expired: (p: Payment) => pw.closedExpired(where(p)),
  voided: (p: Payment) => pw.closedVoided(where(p)),
  later: (p: Payment) => pw.closedLater(where(p)),
};

/**
 * A store asks this phone to confirm a payment (over the customer's limit, or a request
 * without a code): the sheet comes up live, over whatever is on screen, with the time
 * left to answer. It closes itself when that time is up or the store cancels, saying so
 * in a sentence the page shows until read (onClosed), and it always has a way out: Reject, Not now, or
 * Escape. Focus goes to the sheet, never to Approve, so no stray tap approves.
 */
export function ConfirmationSheet({ session, onClosed }: { session: PhoneSession; onClosed: (why: string | null) => void }) {
  const [requests, setRequests] = useState<ConfirmationRequest[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sheet = useRef<HTMLElement>(null);
  // The live handlers below are made once; they read the requests on screen through this.
  const showing = useRef(requests);
  showing.current = requests;
  // Requests closed here (answered, Not now, Escape, ended) stay closed: the list of those
  // waiting, asked at the start, may answer after the customer closed one.
  const closed = useRef(new Set<string>());
  const drop = (paymentId: string, why?: string) => {
    closed.current.add(paymentId);
    setRequests((all) => all.filter((r) => r.payment.id !== paymentId));
    setProblem(null);
    if (why) onClosed(why);
  };
  useEffect(() => {
    const add = (request: ConfirmationRequest) => {
      if (closed.current.has(request.payment.id)) return;
      onClosed(null);
      setRequests((all) => (all.some((r) => r.id === request.id) ? all : [...all, request]));
    };
    const stopRequests = follow(session.client.confirmationRequests(), add);
    session.client.pendingConfirmations().then((pending) => pending.forEach(add), () => {});
    // The server's word on a waiting payment: expired by its sweeper, voided by the store, or answered on another device.
    const stopUpdates = follow(session.client.paymentUpdates(), (payment) => {
      if (payment.status === "PENDING_CONFIRMATION" || !showing.current.some((r) => r.payment.id === payment.id)) return;
      const why = payment.status === "EXPIRED" ? CLOSED_BECAUSE.expired(payment) : payment.status === "VOIDED" ? CLOSED_BECAUSE.voided(payment) : undefined;
      // An approval or decline is pushed under the same tag and takes the request's place by itself.
      if (why) void closeAskingNotification(payment.id);
      drop(payment.id, why);
    });
    return () => {
      stopRequests();
      stopUpdates();
    };
  }, [session]);
  const request = requests[0];
  useModal(sheet, request !== undefined);
  useEffect(() => sheet.current?.focus(), [request?.id]);
  if (!request) return null;
  const { payment } = request;
  const answer = async (approve: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      // Approving asks who holds the phone first; rejecting never needs to.
      const verification = approve ? await verifyUser(session) : null;
      // Before the answer leaves: its result is pushed under the same tag, and a close after it could close the result.
      await closeAskingNotification(payment.id);
      await withKey(session, (key) => session.client.respondToConfirmation(request.id, approve, key, verification));
      drop(payment.id);
    } catch (error) {
      setProblem(error instanceof VerificationCancelled ? error.message : phoneErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  const notNow = () => {
    void closeAskingNotification(payment.id);
    drop(payment.id, CLOSED_BECAUSE.later(payment));
  };
  return (
    <div class="sheet-backdrop" onKeyDown={(event) => event.key === "Escape" && notNow()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-labelledby="confirm-title" tabIndex={-1} ref={sheet}>
        <h2 id="confirm-title">{pw.confirmTitle}</h2>
        <p class="amount">{money(payment.amount, payment.currency)}</p>
        <p>
          {pw.atStoreOn}
          <strong>{payment.storeName}</strong>
          {pw.onCard(`${payment.card.brand} •••• ${payment.card.last4}`)}
        </p>
        <ConfirmationCountdown key={request.id} expiresAt={request.expiresAt} onExpired={() => drop(payment.id, CLOSED_BECAUSE.expired(payment))} />
        <Problem text={problem} />
        <div class="row">
          <button type="button" class="primary" disabled={busy} onClick={() => answer(true)}>
            {pw.approve}
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => answer(false)}>
            {pw.reject}
          </button>
        </div>
        <button type="button" class="link" onClick={notNow}>
          {pw.notNow}
        </button>
      </section>
    </div>
  );
}

/**
 * A request answered or closed here leaves no notification asking for it (sw/notices.ts
 * tags them by payment). Only the asking one, and never once the payment is decided:
 * Chromium closes a notification by its tag, so closing a request's notification after
 * its result was shown under the same tag would close the result.
 */
async function closeAskingNotification(paymentId: string): Promise<void> {
  const asking = (notification: Notification) => (notification.data as { notice?: { kind?: string } } | null)?.notice?.kind === "confirmation";
  await navigator.serviceWorker
    ?.getRegistration()
    .then((registration) => registration?.getNotifications({ tag: `payment:${paymentId}` }))
    .then((shown) => shown?.filter(asking).forEach((notification) => notification.close()))
    .catch(() => undefined);
}

/** Why the sheet closed without an answer, shown in the page's flow (it covers nothing) until dismissed. */
export function ClosedNotice({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  return (
    <div class="notice bad row-between" role="status">
      <p>{text}</p>
      <button type="button" onClick={onDismiss}>
        {pw.ok}
      </button>
    </div>
  );
}
