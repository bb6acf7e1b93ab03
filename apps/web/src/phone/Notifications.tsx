import type { PushSubscription as ServerSubscription } from "@clients/phone";
import { useState } from "preact/hooks";
import { phoneErrorWords, pw } from "./phone-words";
import { day } from "../shared/format";
import { useLoad } from "../shared/use-load";
import type { PhoneSession } from "./session";

/** What this browser can do: push needs a service worker, the Push API and notifications. */
const canPush = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** "Chrome on Android": enough for the customer to tell its browsers apart in the list. */
function browserLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${browser} · ${system}` : browser;
}

/** The key the Push API wants as applicationServerKey: the bytes of the server's base64url text. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Notifications while the app is closed (Web Push, docs/push.md): this browser subscribes
 * with the server's VAPID key and registers the subscription with its session; the
 * customer sees every browser that gets its notifications and removes any of them.
 * Signing out or revoking this phone's key ends them on the server.
 */
export function Notifications({ session }: { session: PhoneSession }) {
  const load = async () => ({ key: await session.client.pushPublicKey(), subscriptions: await session.client.pushSubscriptions() });
  const { value, setValue, problem: loadProblem } = useLoad(load, [session], phoneErrorWords);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!canPush()) return <Section>{<p>{pw.notifyUnsupported}</p>}</Section>;
  if (loadProblem) return <Section>{<p role="alert" class="problem">{loadProblem}</p>}</Section>;
  if (!value) return <Section>{<p aria-live="polite">{pw.loadingNotify}</p>}</Section>;
  if (!value.key) return <Section>{<p>{pw.notifyOffServer}</p>}</Section>;
  const mine = value.subscriptions.find((s) => s.thisSession);
  const others = value.subscriptions.filter((s) => !s.thisSession);
  const run = async (work: () => Promise<ServerSubscription[]>) => {
    setBusy(true);
    setProblem(null);
    try {
      setValue({ ...value, subscriptions: await work() });
    } catch (error) {
      setProblem(error instanceof NotAllowed ? pw.notifyDenied : phoneErrorWords(error));
    } finally {
      setBusy(false);
    }
  };
  const turnOn = () =>
    run(async () => {
      if ((await Notification.requestPermission()) !== "granted") throw new NotAllowed();
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(value.key!) });
      const { endpoint, keys } = subscription.toJSON();
      await session.client.registerPushSubscription({ endpoint: endpoint!, p256dh: keys!.p256dh, auth: keys!.auth, label: browserLabel(), deviceId: session.key.deviceId ?? null });
      return session.client.pushSubscriptions();
    });
  const remove = (id: string, here: boolean) =>
    run(async () => {
      await session.client.removePushSubscription(id);
      if (here) await (await navigator.serviceWorker.ready).pushManager.getSubscription().then((s) => s?.unsubscribe());
      return session.client.pushSubscriptions();
    });
  return (
    <Section>
      <p role="status">{mine ? pw.notifyOn : pw.notifyOff}</p>
      {mine ? (
        <button type="button" disabled={busy} onClick={() => remove(mine.id, true)}>
          {pw.turnOffNotify}
        </button>
      ) : (
        <button type="button" class="primary" disabled={busy} onClick={turnOn}>
          {pw.turnOnNotify}
        </button>
      )}
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
      {others.length > 0 && (
        <>
          <h4>{pw.notifyOthers}</h4>
          <ul class="list">
            {others.map((s) => (
              <li key={s.id} class="row-between">
                <span>{pw.notifySince(s.label, day(s.createdAt))}</span>
                <button type="button" disabled={busy} aria-label={pw.removeBrowser(s.label)} onClick={() => remove(s.id, false)}>
                  {pw.remove}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function Section({ children }: { children: preact.ComponentChildren }) {
  return (
    <>
      <h3>{pw.notifyTitle}</h3>
      {children}
    </>
  );
}

/** The customer (or the browser) said no to notifications. */
class NotAllowed extends Error {}
