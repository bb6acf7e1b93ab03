import type { BillWithPayment, Payment } from "@clients/common";
import type { CodeLookup } from "@clients/register";
import { useEffect, useState } from "preact/hooks";
import { idempotencyKey } from "../shared/errors";
import { declineWords, errorWords, statusWords } from "../shared/words";
import { day, money } from "../shared/format";
import { CodeInput } from "../shared/scanner";
import type { RegisterSession } from "./session";
import { Problem } from "../shared/problem";
import { rw } from "./register-words";
import { BillVerdict } from "./BillVerdict";

/**
 * A bill's code: look it up, then take the money: cash (PAID here at once) or the
 * customer's card, by their payment code (PAID once the charge is approved; when the
 * phone must confirm, the register waits, told live).
 */
export function BillCollection({ session }: { session: RegisterSession }) {
  const [found, setFound] = useState<{ code: string; lookup: CodeLookup } | null>(null);
  const [byCard, setByCard] = useState(false);
  const [collected, setCollected] = useState<BillWithPayment | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const waitingId = collected?.payment?.status === "PENDING_CONFIRMATION" ? collected.payment.id : null;
  useEffect(() => {
    if (!waitingId) return;
    const hear = (payment: Payment) =>
      payment.id === waitingId &&
      payment.status !== "PENDING_CONFIRMATION" &&
      setCollected((bill) => bill && { ...bill, status: payment.status === "APPROVED" ? "PAID" : bill.status, tender: payment.status === "APPROVED" ? "CARD" : null, payment });
    const known = session.updates.get(waitingId);
    if (known) hear(known);
    session.listeners.add(hear);
    return () => void session.listeners.delete(hear);
  }, [waitingId]);
  const look = async (code: string) => {
    setProblem(null);
    setCollected(null);
    setByCard(false);
    try {
      const lookup = await session.client.lookupCode(code);
      if (lookup.kind !== "BILL" || !lookup.bill) throw new Error(rw.notBillCode);
      setFound({ code, lookup });
    } catch (error) {
      setProblem(errorWords(error));
    }
  };
  const collect = async (tender: "CASH" | "CARD", paymentCode?: string) => {
    try {
      setCollected(await session.client.collectBill(found!.code, tender, idempotencyKey(), paymentCode));
      setFound(null);
      setByCard(false);
    } catch (error) {
      setProblem(errorWords(error));
    }
  };
  const bill = found?.lookup.bill;
  return (
    <section aria-labelledby="bill-title">
      <h2 id="bill-title">{rw.billTitle}</h2>
      <Problem text={problem} />
      {bill && byCard ? (
        <div class="panel">
          <p class="amount">{money(bill.amount, bill.currency)}</p>
          <CodeInput label={rw.typePaymentCode} onCode={(paymentCode) => collect("CARD", paymentCode)} />
          <button type="button" onClick={() => setByCard(false)}>
            {rw.back}
          </button>
        </div>
      ) : bill ? (
        <div class="panel">
          <p>
            <strong>{bill.billerName}</strong> · {bill.description ?? bill.reference} · {rw.due(day(bill.dueDate, session.store.timeZone))}
          </p>
          <p class="amount">{money(bill.amount, bill.currency)}</p>
          <div class="row">
            <button type="button" class="primary" onClick={() => collect("CASH")}>
              {rw.cashReceived}
            </button>
            <button type="button" onClick={() => setByCard(true)}>
              {rw.payByCard}
            </button>
            <button type="button" onClick={() => setFound(null)}>
              {rw.cancel}
            </button>
          </div>
        </div>
      ) : (
        <CodeInput label={rw.typeBillCode} onCode={look} />
      )}
      {collected && <Collected bill={collected} onNext={() => setCollected(null)} />}
    </section>
  );
}

/**
 * What became of a collection: paid (cash or an approved card) or not charged, each as a
 * full-screen verdict; or, while the phone confirms, a line that waits for it.
 */
function Collected({ bill, onNext }: { bill: BillWithPayment; onNext: () => void }) {
  const payment = bill.payment;
  const amount = money(bill.amount, bill.currency);
  const details = `${bill.billerName} · ${bill.description ?? bill.reference}${payment?.approvalNumber ? rw.approvalOf(payment.approvalNumber) : ""}`;
  if (bill.status === "PAID") {
    return <BillVerdict key={`${bill.id}-paid`} ok reason={bill.tender === "CASH" ? rw.paidInCash : rw.paidByCard} amount={amount} details={details} onNext={onNext} />;
  }
  if (payment?.status === "PENDING_CONFIRMATION") {
    return (
      <p role="status" aria-live="polite" class="notice">
        {rw.billWaiting(money(bill.amount, bill.currency))}
      </p>
    );
  }
  const why = payment?.status === "DECLINED" ? declineWords(payment.declineReason) : rw.cardEnded(statusWords(payment?.status ?? "DECLINED"));
  return <BillVerdict key={`${bill.id}-${payment?.id}`} ok={false} reason={rw.notCollected(why)} amount={amount} details={details} onNext={onNext} />;
}
