import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { startPushService, type TestPushService, type TestSubscription } from "../support/push-service";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the Web Push tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const PHONE_VIEWPORT = { width: 390, height: 844 };
const PIN = "4826";

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: { open: string; notice: Record<string, unknown> };
}

/**
 * Web Push end to end, with a phone whose app is closed. The phone page turns
 * notifications on (Chromium's headless Push API has no push service to subscribe at, so
 * the page's PushManager hands out a subscription of the tests' push service instead:
 * everything after is real). The server sends through the outbox to that push service,
 * which checks the VAPID signature, decrypts the payload with the subscription's keys and
 * delivers it to Chromium's service worker over the DevTools protocol
 * (ServiceWorker.deliverPushMessage), with no page of the app open. The notification is
 * read from the worker's registration; opening it brings up the confirmation sheet, which
 * still asks the payment PIN before approving; the register hears APPROVED.
 */
/** How long a push may take to show, outbox retries included. */
const PUSH_WAIT_MS = 60_000;

describeIf("Web Push: a confirmation reaches a phone whose app is closed, as a notification", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let push: TestPushService;
  let browser: Browser;
  let context: BrowserContext;
  /** A page of the origin that is not the app: holds the DevTools session and reads notifications. */
  let outside: Page;
  let cdp: CDPSession;
  let base: string;
  let shopper: Shopper;
  let serverKey: string;
  let subscription: TestSubscription;
  let registrationId: string | null = null;

  beforeAll(async () => {
    // The tests' push service listens on 127.0.0.1; production refuses private targets.
    ({ database, server } = await startWebServer({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", OUTBOX_POLL_MS: "100" } }));
    base = server.url.replace("127.0.0.1", "localhost");
    shopper = await newShopper(server.url);
    serverKey = (await shopper.phone.pushPublicKey())!;
    push = await startPushService({ vapidPublicKey: () => serverKey });
    subscription = push.subscribe();
    push.onPush(async (received) => {
      if (registrationId === null) throw new Error("no service worker registered to deliver to");
      await cdp.send("ServiceWorker.deliverPushMessage", { origin: base, registrationId, data: JSON.stringify(received.payload) });
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    await context.grantPermissions(["notifications"], { origin: base });
    // What Chromium's Push API would give with a push service to reach: this subscription.
    await context.addInitScript({
      content: `(() => {
        const given = ${JSON.stringify({ endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth })};
        let held = null;
        PushManager.prototype.subscribe = async function (options) {
          const key = options && options.applicationServerKey;
          window.pushKeyAsked = key instanceof Uint8Array ? [...key] : [];
          held = {
            endpoint: given.endpoint,
            toJSON: () => ({ endpoint: given.endpoint, expirationTime: null, keys: { p256dh: given.p256dh, auth: given.auth } }),
            unsubscribe: async () => ((held = null), true),
          };
          return held;
        };
        PushManager.prototype.getSubscription = async () => held;
      })();`,
    });
    outside = await context.newPage();
    await outside.goto(`${base}/health`);
    cdp = await context.newCDPSession(outside);
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const app = registrations.find((r) => r.scopeURL === `${base}/app/` && !r.isDeleted);
      if (app) registrationId = app.registrationId;
    });
    await cdp.send("ServiceWorker.enable");
  });
  afterAll(async () => {
    await browser?.close();
    await push?.close();
    await stopWebServer({ server, database });
  });

  /** The notifications the app's service worker shows now, read from a page outside the app. */
  const notifications = (): Promise<Shown[]> =>
    outside.evaluate(`navigator.serviceWorker.getRegistration("/app/").then(async (registration) =>
      registration ? (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })) : [])`);

  async function openPhone(url = `${base}/app/#/phone`): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
    await page.goto(url);
    return page;
  }

  it("turns notifications on in Settings: the browser subscribes with the server's VAPID key, and the server keeps it with this session and device", async () => {
    const page = await openPhone();
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const setup = page.locator("form", { has: page.getByRole("heading", { name: "Choose a payment PIN" }) });
    await setup.getByLabel("Payment PIN (4 to 8 digits)").fill(PIN);
    await setup.getByLabel("Your password").fill(PASSWORD);
    await setup.getByRole("button", { name: "Set the PIN" }).click();
    await page.getByRole("status").filter({ hasText: "payments are approved with your payment PIN" }).waitFor();

    await openSection(page, "Settings");
    await page.getByRole("status").filter({ hasText: "This browser does not show notifications from the wallet." }).waitFor();
    await page.getByRole("button", { name: "Turn on notifications" }).click();
    await page.getByRole("status").filter({ hasText: "This browser tells you of payments to confirm" }).waitFor();
    expect(Buffer.from(await page.evaluate<number[]>("window.pushKeyAsked")).toString("base64url")).toBe(serverKey);
    const [registered] = await shopper.phone.pushSubscriptions();
    expect(registered).toMatchObject({ label: "Chrome · Linux", thisSession: false, deviceId: expect.any(String) });
    expect(registrationId).not.toBeNull();
    await page.close();
  });

  it("with the app closed, shows a confirmation request; opening it brings up the sheet, which asks the PIN before approving; the register hears APPROVED", async () => {
    expect(context.pages().map((p) => p.url())).toEqual([`${base}/health`]);
    const { register } = await newRegister(server.url, "JPY", "Corner Store Shibuya");
    const updates = register.paymentUpdates();
    await updates.ready;
    const asked = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 4800, currency: "JPY" }, "push-browser-1");
    expect(asked.status).toBe("PENDING_CONFIRMATION");

    // Generous: a push goes through the outbox, the push service and Chromium's service
    // worker, each late on a loaded machine, and a refused delivery is retried after a wait.
    const shownInTime = await eventually(async () => (await notifications()).some((n) => n.tag === `payment:${asked.id}`), PUSH_WAIT_MS);
    // On failure, what reached the push service, and what it refused, say where the push stopped
    // (toMatchObject would print only the keys expected, hiding them).
    if (!shownInTime) {
      const seen = { attempts: push.attempts.length, handedToChromium: push.received.length, refused: push.refused, registrationId, shown: await notifications() };
      throw new Error(`no notification for payment ${asked.id} within ${PUSH_WAIT_MS} ms: ${JSON.stringify(seen)}`);
    }
    const [shown] = (await notifications()).filter((n) => n.tag === `payment:${asked.id}`);
    expect(shown.title).toBe("Confirm this payment?");
    expect(shown.body).toBe("¥4,800 at Corner Store Shibuya on VISA •••• 4242. Tap to answer.");
    expect(shown.data.open).toBe("confirm");
    expect(shown.data.notice).toMatchObject({ kind: "confirmation", paymentId: asked.id, requestId: expect.any(String) });
    expect(push.to(subscription.id).map((p) => p.payload.kind)).toEqual(["confirmation"]);

    // The tap. Chromium lets a worker open a window only for a real click on its
    // notification, which the DevTools protocol cannot make (a dispatched
    // notificationclick may not open one): the page is opened at the address the
    // handler opens (sw/sw.ts). The handler's other way, with the app open, is the next test.
    const page = await openPhone(`${base}/app/?open=confirm#/phone`);
    const sheet = page.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.waitFor();
    await sheet.getByText("Corner Store Shibuya").waitFor();
    await sheet.getByRole("button", { name: "Approve" }).click();
    // Who holds the phone is asked first: nothing is approved without the PIN.
    const pin = page.getByRole("dialog", { name: "Your payment PIN" });
    await pin.waitFor();
    expect((await register.payment(asked.id))?.status).toBe("PENDING_CONFIRMATION");
    await pin.getByLabel("Payment PIN").fill(PIN);
    await pin.getByRole("button", { name: "Confirm" }).click();
    await sheet.waitFor({ state: "detached" });

    for (;;) {
      const update = await updates.next(10_000);
      if (update.id === asked.id && update.status !== "PENDING_CONFIRMATION" && update.status !== "PROCESSING") {
        expect(update.status).toBe("APPROVED");
        break;
      }
    }
    await register.live.close();
    // The result comes as a push too, and takes the request's place (the same tag).
    const resultShown = await eventually(async () => (await notifications()).some((n) => n.tag === `payment:${asked.id}` && n.title === "Payment made"), PUSH_WAIT_MS);
    expect({ resultShown, refused: push.refused }).toMatchObject({ resultShown: true });
    expect((await notifications()).filter((n) => n.tag === `payment:${asked.id}`)).toHaveLength(1);
    await page.close();
  });

  it("opens the bills when a bill's notification is tapped while the app is open", async () => {
    const page = await openPhone();
    await page.getByRole("navigation", { name: "Wallet sections" }).waitFor();
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Power & Gas");
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const bill = await biller.postBill({ customerPhone: shopper.phoneNumber, reference: "PUSH-BILL-1", amount: 8640, currency: "JPY", dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    const billShown = await eventually(async () => (await notifications()).some((n) => n.tag === `bill:${bill.id}`), PUSH_WAIT_MS);
    expect({ billShown, refused: push.refused }).toMatchObject({ billShown: true });
    const [shown] = (await notifications()).filter((n) => n.tag === `bill:${bill.id}`);
    expect(shown.title).toBe("A bill from Tokyo Power & Gas");

    // A tap, as the worker hears it.
    const [worker] = context.serviceWorkers();
    await worker.evaluate(`self.registration.getNotifications({ tag: ${JSON.stringify(`bill:${bill.id}`)} }).then(([notification]) =>
      self.dispatchEvent(new NotificationEvent("notificationclick", { notification })))`);
    await page.getByRole("navigation", { name: "Activity sections" }).getByRole("button", { name: "Bills" }).and(page.locator("[aria-current=page]")).waitFor();
    await page.getByText("Tokyo Power & Gas").first().waitFor();
    // Tapped, it is gone from the tray.
    expect(await eventually(async () => !(await notifications()).some((n) => n.tag === `bill:${bill.id}`))).toBe(true);
  });
});
