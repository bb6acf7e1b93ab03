import { useEffect, useState } from "preact/hooks";
import type { Seal } from "./receipt-check";
import { readReceipt } from "./receipt-text";
import { rcw } from "./receipt-words";
import "./receipt.css";

const SEAL_MARK: Record<Seal | "checking", string> = { checking: "", verified: "✓", "not-verified": "✗", unchecked: "" };

/** Whether the center signed the receipt, checked on this device; "checking" until known. */
export function useSeal(json: string): Seal | "checking" {
  const [seal, setSeal] = useState<Seal | "checking">("checking");
  useEffect(() => {
    let current = true;
    setSeal("checking");
    // The checking code (WebCrypto, the books' hashing) loads with the first receipt shown; the service worker keeps it for offline.
    import("./receipt-check")
      .then(({ sealOf }) => sealOf(json))
      .then(
        (found) => current && setSeal(found),
        // The checking code could not load (no network, no service worker yet): nothing was checked.
        () => current && setSeal("unchecked"),
      );
    return () => void (current = false);
  }, [json]);
  return seal;
}

/** "Verified" in green or "Not verified" in red, beside a receipt. */
export function SealMark({ seal }: { seal: Seal | "checking" }) {
  return (
    <span class={`seal seal-${seal}`} data-testid="receipt-seal" data-seal={seal}>
      {SEAL_MARK[seal] && <span aria-hidden="true">{SEAL_MARK[seal]} </span>}
      {rcw.seal[seal]}
    </span>
  );
}

/** A receipt's approval number and whether it verifies: the register's verdict shows it under the sale. */
export function ReceiptLine({ json }: { json: string }) {
  const seal = useSeal(json);
  const approvalNumber = readReceipt(json)?.body.approvalNumber;
  return (
    <p class="receipt-line" data-testid="receipt-line">
      {approvalNumber ? (
        <>
          {rcw.forApproval.before}
          <strong data-testid="receipt-approval-number">{approvalNumber}</strong>
          {rcw.forApproval.after}
        </>
      ) : (
        rcw.receipt
      )}{" "}
      <SealMark seal={seal} />
    </p>
  );
}
