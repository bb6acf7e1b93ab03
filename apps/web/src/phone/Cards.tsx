import type { Card } from "@clients/phone";
import { useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { useLoad } from "../shared/use-load";
import type { PhoneSession } from "./session";
import { Problem } from "../shared/problem";
import { AddCard } from "./AddCard";
import { RemoveCard } from "./RemoveCard";
import { UpdateExpiry } from "./UpdateExpiry";

/**
 * The wallet's cards, each with its availability switch (the server asks the password for
 * a change) and a way to remove it; and the form that adds one.
 */
export function Cards({ session }: { session: PhoneSession }) {
  const { value: cards, setValue, problem } = useLoad(() => session.client.cards(), [session], phoneErrorWords);
  const [changing, setChanging] = useState<Card | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Card | null>(null);
  const [renewing, setRenewing] = useState<Card | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!cards) return <p aria-live="polite">{pw.loadingCards}</p>;
  return (
    <section aria-labelledby="cards-title">
      <h2 id="cards-title">{pw.cardsTitle}</h2>
      {cards.length === 0 && !adding && <p>{pw.noCards}</p>}
      {notice && (
        <p role="status" class="notice ok">
          {notice}
        </p>
      )}
      <ul class="list">
        {cards.map((card) => (
          <li key={card.id} class="card">
            <div>
              <strong>{card.label ?? card.institution}</strong>
              <br />
              {card.brand} •••• {card.last4} · {pw.kindWord[card.kind]} · {String(card.expiryMonth).padStart(2, "0")}/{card.expiryYear}
              {card.expired && (
                <>
                  <br />
                  <span class="warn" data-testid="card-expired">
                    {pw.cardExpiredBadge}
                  </span>
                </>
              )}
            </div>
            {card.expired ? (
              <button type="button" aria-label={pw.updateExpiryLabel(card.brand, card.last4)} onClick={() => (setNotice(null), setRenewing(card))}>
                {pw.updateExpiry}
              </button>
            ) : (
              <button
                type="button"
                role="switch"
                class="switch"
                aria-checked={card.status === "AVAILABLE"}
                aria-label={pw.useCardFor(card.brand, card.last4)}
                onClick={() => setChanging(card)}
              >
                {card.status === "AVAILABLE" ? pw.on : pw.off}
              </button>
            )}
            <button type="button" aria-label={pw.removeCardLabel(card.brand, card.last4)} onClick={() => (setNotice(null), setRemoving(card))}>
              {pw.remove}
            </button>
          </li>
        ))}
      </ul>
      {adding ? (
        <AddCard
          session={session}
          onCancel={() => setAdding(false)}
          onAdded={(card) => {
            setValue([...cards, card]);
            setAdding(false);
            setNotice(pw.cardAdded(`${card.brand} •••• ${card.last4}`));
          }}
        />
      ) : (
        <button type="button" class="primary" onClick={() => (setNotice(null), setAdding(true))}>
          {pw.addCard}
        </button>
      )}
      {removing && (
        <RemoveCard
          session={session}
          card={removing}
          onCancel={() => setRemoving(null)}
          onRemoved={() => {
            setValue(cards.filter((card) => card.id !== removing.id));
            setRemoving(null);
            setNotice(pw.cardRemoved(`${removing.brand} •••• ${removing.last4}`));
          }}
        />
      )}
      {renewing && (
        <UpdateExpiry
          session={session}
          card={renewing}
          onCancel={() => setRenewing(null)}
          onUpdated={(updated) => {
            setValue(cards.map((card) => (card.id === updated.id ? updated : card)));
            setRenewing(null);
            setNotice(pw.expiryUpdated(`${updated.brand} •••• ${updated.last4}`));
          }}
        />
      )}
      {changing && (
        <PasswordPrompt
          title={(changing.status === "AVAILABLE" ? pw.turnOff : pw.turnOn)(`${changing.brand} •••• ${changing.last4}`)}
          onCancel={() => setChanging(null)}
          onPassword={async (password) => {
            const updated = await session.client.setCardStatus(changing.id, changing.status === "AVAILABLE" ? "NOT_AVAILABLE" : "AVAILABLE", password);
            setValue(cards.map((card) => (card.id === updated.id ? updated : card)));
            setChanging(null);
          }}
        />
      )}
    </section>
  );
}

function PasswordPrompt({ title, onPassword, onCancel }: { title: string; onPassword: (password: string) => Promise<void>; onCancel: () => void }) {
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      class="panel"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await onPassword(password);
        } catch (error) {
          setProblem(phoneErrorWords(error));
        }
      }}
    >
      <h3>{title}</h3>
      <label>
        {pw.yourPassword}
        <input type="password" autocomplete="current-password" required autoFocus value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <Problem text={problem} />
      <div class="row">
        <button type="submit" class="primary">
          {pw.confirm}
        </button>
        <button type="button" onClick={onCancel}>
          {pw.cancel}
        </button>
      </div>
    </form>
  );
}
