import { useEffect } from "preact/hooks";
import { when } from "../shared/format";
import { follow } from "../shared/live";
import { useLoad } from "../shared/use-load";
import { messageWords } from "./notice-words";
import { phoneErrorWords, pw } from "./phone-words";
import type { PhoneSession } from "./session";

/** Messages from the programs the customer belongs to; new ones arrive live; opening one marks it read. */
export function Inbox({ session }: { session: PhoneSession }) {
  const { value, setValue, problem } = useLoad(() => session.client.messages(), [session], phoneErrorWords);
  useEffect(() => follow(session.client.messagesLive(), (message) => setValue((all) => [message, ...(all ?? []).filter((m) => m.id !== message.id)])), [session]);
  if (problem) return <p role="alert" class="problem">{problem}</p>;
  if (!value) return <p aria-live="polite">{pw.loadingMessages}</p>;
  return (
    <section aria-labelledby="inbox-title">
      <h2 id="inbox-title">{pw.inboxTitle}</h2>
      {value.length === 0 && <p>{pw.noMessages}</p>}
      <ul class="list">
        {value.map((message) => {
          const { title, body } = messageWords(message);
          return (
            <li key={message.id}>
              <details
                onToggle={(event) => {
                  if (!(event.currentTarget as HTMLDetailsElement).open || message.read) return;
                  session.client.markMessageRead(message.id).then((read) => setValue((all) => (all ?? []).map((m) => (m.id === read.id ? read : m))), () => {});
                }}
              >
                <summary>
                  {message.read ? "" : "● "}
                  <strong>{title}</strong> <small>{when(message.sentAt)}</small>
                </summary>
                <p>{body}</p>
              </details>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
