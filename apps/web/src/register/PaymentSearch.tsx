import type { Payment } from "@clients/common";
import type { PaymentSearch as Filter } from "@clients/merchant";
import { useState } from "preact/hooks";
import { money, shortWhen } from "../shared/format";
import { Problem } from "../shared/problem";
import { errorWords, statusWords } from "../shared/words";
import { RefundAsk } from "./RefundAsk";
import { rw } from "./register-words";
import type { RegisterSession } from "./session";
import { addDays, startOfDayIn } from "./store-day";

const PAGE = 20;
const STATUSES = ["APPROVED", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "DECLINED", "PENDING_CONFIRMATION", "REJECTED_BY_CUSTOMER", "EXPIRED"] as const;

/**
 * The store's payments looked up by the sale's reference, status, amount and the store's
 * days (searchPayments), newest first, a page at a time: for a customer who comes back
 * with a receipt from last week, whose payment is refunded from here (asked first).
 */
export function PaymentSearch({ session }: { session: RegisterSession }) {
  const zone = session.store.timeZone;
  const [reference, setReference] = useState("");
  const [status, setStatus] = useState("");
  const [minAmount, setMinAmount] = useState("");
  const [maxAmount, setMaxAmount] = useState("");
  const [fromDay, setFromDay] = useState("");
  const [toDay, setToDay] = useState("");
  const [found, setFound] = useState<{ filter: Filter; nodes: Payment[]; nextCursor: string | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<Payment | null>(null);
  const [refunded, setRefunded] = useState<string | null>(null);

  const amountOf = (text: string) => (text.trim() === "" ? null : Number(text));
  const run = async (filter: Filter, after: string | null) => {
    setBusy(true);
    setProblem(null);
    try {
      const page = await session.client.searchPayments(filter, PAGE, after ?? undefined);
      setFound((before) => ({ filter, nodes: after && before ? [...before.nodes, ...page.nodes] : page.nodes, nextCursor: page.nextCursor }));
    } catch (error) {
      setProblem(errorWords(error, session.currency));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{rw.searchTitle}</h2>
      <form
        class="search-form"
        onSubmit={(event) => {
          event.preventDefault();
          const filter: Filter = {
            reference: reference.trim() || null,
            statuses: status ? [status as (typeof STATUSES)[number]] : null,
            minAmount: amountOf(minAmount),
            maxAmount: amountOf(maxAmount),
            // The store's days, as its reports count them: from the first day's midnight to the day after the last.
            from: fromDay ? startOfDayIn(zone, fromDay).toISOString() : null,
            to: toDay ? startOfDayIn(zone, addDays(toDay, 1)).toISOString() : null,
          };
          void run(filter, null);
        }}
      >
        <label>
          {rw.searchReference}
          <input value={reference} maxLength={64} onInput={(e) => setReference(e.currentTarget.value)} />
        </label>
        <label>
          {rw.searchStatus}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{rw.anyStatus}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusWords(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {rw.searchMin(session.currency)}
          <input inputMode="numeric" pattern="[0-9]*" value={minAmount} onInput={(e) => setMinAmount(e.currentTarget.value)} />
        </label>
        <label>
          {rw.searchMax(session.currency)}
          <input inputMode="numeric" pattern="[0-9]*" value={maxAmount} onInput={(e) => setMaxAmount(e.currentTarget.value)} />
        </label>
        <label>
          {rw.searchFrom}
          <input type="date" value={fromDay} onInput={(e) => setFromDay(e.currentTarget.value)} />
        </label>
        <label>
          {rw.searchTo}
          <input type="date" value={toDay} onInput={(e) => setToDay(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {rw.searchRun}
        </button>
      </form>
      <Problem text={problem} />
      {refunded && (
        <p role="status" class="notice ok">
          {refunded}
        </p>
      )}
      {found && found.nodes.length === 0 && <p class="empty">{rw.searchNone}</p>}
      {found && found.nodes.length > 0 && (
        <ul class="list" aria-label={rw.searchResults} data-testid="search-results">
          {found.nodes.map((payment) => (
            <li key={payment.id}>
              <div>
                {money(payment.amount, payment.currency)} · <span data-testid="payment-status">{statusWords(payment.status)}</span>
                {payment.reference ? ` · ${payment.reference}` : ""}
                <br />
                <small>
                  {shortWhen(payment.createdAt, zone)} · {payment.card.brand} •••• {payment.card.last4}
                  {payment.approvalNumber ? rw.approval(payment.approvalNumber) : ""}
                </small>
              </div>
              {(payment.status === "APPROVED" || payment.status === "PARTIALLY_REFUNDED") && (
                <button type="button" onClick={() => (setRefunded(null), setAsking(payment))} aria-label={rw.refundAt(money(payment.amount, payment.currency), shortWhen(payment.createdAt, zone))}>
                  {rw.refundOpen}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {found?.nextCursor && (
        <button type="button" disabled={busy} onClick={() => void run(found.filter, found.nextCursor)}>
          {rw.searchMore}
        </button>
      )}
      {asking && (
        <RefundAsk
          session={session}
          payment={asking}
          onCancel={() => setAsking(null)}
          onDone={(payment) => {
            setAsking(null);
            setRefunded(rw.refundedNotice(money(payment.refundedAmount - asking.refundedAmount, payment.currency)));
            // The refunded payment in place, as it is now.
            setFound((before) => before && { ...before, nodes: before.nodes.map((p) => (p.id === payment.id ? payment : p)) });
          }}
        />
      )}
    </section>
  );
}
