import type { ReceiptBody } from "@clients/wire/receipt";
import { useEffect, useRef, useState } from "preact/hooks";
import { money, number, when } from "../shared/format";
import { LocalQr, LongCode } from "../shared/local-qr";
import { useModal } from "../shared/modal";
import type { BooksPlace } from "../shared/receipt-check";
import { readReceipt } from "../shared/receipt-text";
import { SealMark, useSeal } from "../shared/receipt-seal";
import { rcw } from "../shared/receipt-words";

// Tries while the sealer has not reached the receipt: it seals every second or so.
const SEALING_TRIES = 10;
const SEALING_WAIT_MS = 1500;

/**
 * A history entry's receipt: whether it verifies, checked on this phone ("Verified" or, in
 * red, "Not verified"), and a button that opens it.
 */
export function ReceiptEntry({ json }: { json: string }) {
  const seal = useSeal(json);
  const [open, setOpen] = useState(false);
  return (
    <div class="receipt-entry">
      <SealMark seal={seal} />
      <button type="button" class="receipt-open" onClick={() => setOpen(true)}>
        {rcw.receipt}
      </button>
      {open && <ReceiptSheet json={json} onClose={() => setOpen(false)} />}
    </div>
  );
}

/** The receipt's place in the books, asked again while the sealer has not reached it. */
function useBooksPlace(json: string): BooksPlace | null {
  const [place, setPlace] = useState<BooksPlace | null>(null);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (tries: number) => {
      const { booksPlaceOf } = await import("../shared/receipt-check");
      const found = await booksPlaceOf(json);
      if (!current) return;
      setPlace(found);
      if (found.state === "sealing" && tries > 1) timer = setTimeout(() => ask(tries - 1), SEALING_WAIT_MS);
    };
    ask(SEALING_TRIES);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [json]);
  return place;
}

function BooksLine({ place }: { place: BooksPlace | null }) {
  if (!place) return <p class="books-place">{rcw.lookingInBooks}</p>;
  switch (place.state) {
    case "in-books":
      return (
        <p class="books-place ok" data-testid="books-place">
          {rcw.inBooks(String(place.leafIndex), place.size, number(place.size))}
        </p>
      );
    case "sealing":
      return <p class="books-place">{rcw.sealing}</p>;
    case "not-in-books":
      return (
        <p class="books-place bad" data-testid="books-place">
          {rcw.notInBooks}
        </p>
      );
    case "unreachable":
      return <p class="books-place">{rcw.booksOffline}</p>;
  }
}

function Facts({ body }: { body: ReceiptBody }) {
  return (
    <dl class="receipt-facts">
      <dt>{rcw.what}</dt>
      <dd data-testid="receipt-kind">{(rcw.kind as Record<string, string | undefined>)[body.kind] ?? body.kind}</dd>
      {body.amount !== undefined && body.currency && (
        <>
          <dt>{rcw.amount}</dt>
          <dd data-testid="receipt-amount">{money(body.amount, body.currency)}</dd>
        </>
      )}
      {body.storeName && (
        <>
          <dt>{rcw.store}</dt>
          <dd>{body.storeName}</dd>
        </>
      )}
      <dt>{rcw.when}</dt>
      <dd>{when(body.at)}</dd>
      {body.approvalNumber && (
        <>
          <dt>{rcw.approvalNumber}</dt>
          <dd data-testid="receipt-approval-number">{body.approvalNumber}</dd>
        </>
      )}
      {body.customerNumber && (
        <>
          <dt>{rcw.customerNumber}</dt>
          <dd>{body.customerNumber}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * One receipt, opened from the history: what it says, whether it verifies, its place in
 * the books when online, and the receipt itself as a QR (its canonical JSON, which anyone
 * checks with the published key set: docs/books.md, "A receipt as a QR").
 */
export function ReceiptSheet({ json, onClose }: { json: string; onClose: () => void }) {
  const sheet = useRef<HTMLElement>(null);
  const seal = useSeal(json);
  const place = useBooksPlace(json);
  const [qr, setQr] = useState(false);
  const receipt = readReceipt(json);
  useModal(sheet);
  useEffect(() => {
    sheet.current?.focus();
    // Escape closes it wherever the focus is, even where a button it pressed is gone.
    const escape = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    document.addEventListener("keydown", escape);
    return () => document.removeEventListener("keydown", escape);
  }, []);
  const showQr = () => {
    setQr(true);
    // The button goes as the QR comes: the focus stays in the sheet.
    sheet.current?.focus();
  };
  return (
    <div class="sheet-backdrop">
      <section class="sheet receipt-sheet" role="dialog" aria-modal="true" aria-labelledby="receipt-title" tabIndex={-1} ref={sheet}>
        <h2 id="receipt-title">{rcw.receipt}</h2>
        <p>
          <SealMark seal={seal} />
        </p>
        {receipt ? <Facts body={receipt.body} /> : <p class="problem">{rcw.unreadable}</p>}
        <BooksLine place={place} />
        {qr ? (
          <>
            <LocalQr text={json} label={rcw.receiptQr} level="L" />
            <LongCode code={json} testId="receipt-json" />
          </>
        ) : (
          <button type="button" onClick={showQr}>
            {rcw.showAsQr}
          </button>
        )}
        <button type="button" class="link" onClick={onClose}>
          {rcw.close}
        </button>
      </section>
    </div>
  );
}
