import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { shownFor, type OpenTarget, type PushNotice } from "./notices";

// The few service-worker types used here: the app's compiler has the DOM's, not the worker's.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly clients: {
    matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<readonly WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  readonly __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
  skipWaiting(): Promise<void>;
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
}
declare const self: WorkerScope;

/**
 * The web app's service worker (scope /app/). Offline first: every file of the build is
 * precached (the QR reader's chunk included), a navigation with no network gets the
 * app's page, and a new build's worker takes over at once. Web Push (docs/push.md): each
 * push is shown as a notification; a tap opens the phone where it helps (a confirmation's
 * sheet comes up by itself, and still asks who holds the phone before approving).
 */
void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(new NavigationRoute(createHandlerBoundToURL("/app/index.html")));

self.addEventListener("push", (event) => {
  const notice = readNotice(event);
  if (!notice) return;
  const { title, options } = shownFor(notice);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const open: OpenTarget = (event.notification.data as { open?: OpenTarget } | null)?.open ?? "confirm";
  event.waitUntil(openPhone(open));
});

function readNotice(event: PushEvent): PushNotice | null {
  try {
    const notice = event.data?.json() as PushNotice | undefined;
    return notice && notice.v === 1 ? notice : null;
  } catch {
    return null;
  }
}

/** A phone page already open is told what to show and brought forward; else one is opened there. */
async function openPhone(open: OpenTarget): Promise<void> {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const phone = windows.find((client) => new URL(client.url).hash.startsWith("#/phone"));
  if (phone) {
    phone.postMessage({ type: "wallet-center.open", open });
    await phone.focus().catch(() => undefined);
    return;
  }
  await self.clients.openWindow(new URL(`./?open=${open}#/phone`, self.registration.scope).href);
}
