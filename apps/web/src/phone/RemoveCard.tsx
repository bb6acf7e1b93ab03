import type { Card } from "@clients/phone";
import { useEffect, useRef, useState } from "preact/hooks";
import { useModal } from "../shared/modal";
import type { PhoneSession } from "./session";
import { cardProblem } from "./card-problems";
import { Problem } from "../shared/problem";
import { pw } from "./phone-words";

/**
 * Asks before a card leaves the wallet, saying what that does to its codes and its
 * history: a modal dialog (the page behind it inert), Escape or "Keep it" closes it with
 * focus back on the Remove button that opened it.
 */
export function RemoveCard({ session, card, onRemoved, onCancel }: { session: PhoneSession; card: Card; onRemoved: () => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const dialog = useRef<HTMLElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useModal(dialog);
  // After useModal has noted the opener: the safe answer has the focus, never the removal.
  useEffect(() => keep.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await session.client.removeCard(card.id);
      onRemoved();
    } catch (error) {
      setProblem(cardProblem(error).text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sheet-backdrop" onKeyDown={(event) => event.key === "Escape" && !busy && onCancel()}>
      <section ref={dialog} class="sheet bad" role="alertdialog" aria-modal="true" aria-labelledby="remove-card-title" aria-describedby="remove-card-what">
        <h3 id="remove-card-title">
          {pw.removeTitle(`${card.brand} •••• ${card.last4}`)}
        </h3>
        <p id="remove-card-what">{pw.removeWhat}</p>
        <Problem text={problem} />
        <div class="row">
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            {pw.removeTheCard}
          </button>
          <button ref={keep} type="button" onClick={onCancel}>
            {pw.keepIt}
          </button>
        </div>
      </section>
    </div>
  );
}
