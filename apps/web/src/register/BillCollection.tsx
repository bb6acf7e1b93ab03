import type { Bill } from "@clients/common";
import type { CodeLookup } from "@clients/register";
import { useState } from "preact/hooks";
import { errorText, idempotencyKey } from "../shared/errors";
import { money, when } from "../shared/format";
import { CodeInput } from "../shared/scanner";
import type { RegisterSession } from "./Register";
import { Problem } from "../shared/problem";

/** A bill's code: look it up, take the money, mark it collected here (once). */
export function BillCollection({ session }: { session: RegisterSession }) {
  const [found, setFound] = useState<{ code: string; lookup: CodeLookup } | null>(null);
  const [collected, setCollected] = useState<Bill | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const look = async (code: string) => {
    setProblem(null);
    setCollected(null);
    try {
      const lookup = await session.client.lookupCode(code);
      if (lookup.kind !== "BILL" || !lookup.bill) throw new Error("This is not a bill's code.");
      setFound({ code, lookup });
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const collect = async (tender: "CASH" | "CARD") => {
    try {
      setCollected(await session.client.collectBill(found!.code, tender, idempotencyKey()));
      setFound(null);
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const bill = found?.lookup.bill;
  return (
    <section aria-labelledby="bill-title">
      <h2 id="bill-title">Bill collection</h2>
      <Problem text={problem} />
      {bill ? (
        <div class="panel">
          <p>
            <strong>{bill.billerName}</strong> · {bill.description ?? bill.reference} · due {when(bill.dueDate)}
          </p>
          <p class="amount">{money(bill.amount, bill.currency)}</p>
          <div class="row">
            <button type="button" class="primary" onClick={() => collect("CASH")}>
              Cash received
            </button>
            <button type="button" onClick={() => collect("CARD")}>
              Paid by card
            </button>
            <button type="button" onClick={() => setFound(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <CodeInput label="Or type the bill's code" onCode={look} />
      )}
      {collected && (
        <p role="status" class="notice ok">
          Collected: {collected.billerName} {money(collected.amount, collected.currency)} ({collected.tender?.toLowerCase()})
        </p>
      )}
    </section>
  );
}
