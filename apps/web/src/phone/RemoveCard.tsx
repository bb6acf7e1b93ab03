import type { Card } from "@clients/phone";
import { useState } from "preact/hooks";
import type { PhoneSession } from "./session";
import { cardProblem } from "./card-problems";
import { Problem } from "../shared/problem";
import { pw } from "./phone-words";

/** Asks before a card leaves the wallet, saying what that does to its codes and its history. */
export function RemoveCard({ session, card, onRemoved, onCancel }: { session: PhoneSession; card: Card; onRemoved: () => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
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
    <section class="panel bad" role="alertdialog" aria-labelledby="remove-card-title" aria-describedby="remove-card-what">
      <h3 id="remove-card-title">
        {pw.removeTitle(`${card.brand} •••• ${card.last4}`)}
      </h3>
      <p id="remove-card-what">{pw.removeWhat}</p>
      <Problem text={problem} />
      <div class="row">
        <button type="button" class="danger" disabled={busy} onClick={remove}>
          {pw.removeTheCard}
        </button>
        <button type="button" autoFocus onClick={onCancel}>
          {pw.keepIt}
        </button>
      </div>
    </section>
  );
}
