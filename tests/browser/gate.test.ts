import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import QRCode from "qrcode";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { eventually } from "../support/eventually";
import { PASSWORD, newShopper } from "../support/world";
import { launchChromium, missingTools, offlineBeforeLoading } from "./chromium";
import { SIDE, blankPicture } from "./pictures";
import { startWebServer, stopWebServer, type SmsGateway } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the gate's browser tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };

/**
 * A camera video of pictures one after the other, each shown so many seconds (Chromium
 * plays the file from its start when the camera opens, and then again and again).
 */
function videoOfSequence(parts: Array<{ png: string; seconds: number }>, list: string, y4m: string): void {
  const lines = parts.flatMap((part) => [`file '${part.png}'`, `duration ${part.seconds}`]);
  // The concat demuxer takes the last duration only with the last file named once more.
  writeFileSync(list, [...lines, `file '${parts[parts.length - 1].png}'`, ""].join("\n"));
  execFileSync("ffmpeg", [
    "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-r", "10", "-pix_fmt", "yuv420p",
    "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:white",
    y4m,
  ]);
}

const HHMM = String.raw`\d\d:\d\d`;

/** What the tests read of the page's globals (the test files compile without the DOM's types). */
interface Browsing {
  navigator: { serviceWorker: { controller: unknown } };
  caches: { keys(): Promise<string[]>; open(name: string): Promise<{ keys(): Promise<Array<{ url: string }>> }> };
  document: { querySelector(selector: string): { href: string } | null };
}

/**
 * The gate in Chromium as pretixSCAN is used: installed as an offline-first app (a
 * service worker caches the app and its QR reader), the camera always on, each ticket
 * decided as it shows. A gate that goes offline before its first scan keeps admitting
 * from its snapshot, survives a reload with no network and a closed tab (IndexedDB),
 * uploads every scan once the network is back, and a second gate does not admit the
 * same ticket again.
 */
describeIf("the gate, offline-first and scanning continuously, in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sms: SmsGateway;
  let work: string;
  const browsers: Browser[] = [];
  let shop: PartnerClient;
  let gateKey: string;
  let eventId: string;
  const codes: Record<"A" | "B" | "C" | "D", string> = { A: "", B: "", C: "", D: "" };
  let northVideo: string;
  let southVideo: string;
  let north: { context: BrowserContext; page: Page };
  const decideMs: number[] = [];

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({ sms: true }));
    work = mkdtempSync(join(tmpdir(), "wallet-center-gate-"));
    mkdirSync(SCREENSHOTS, { recursive: true });

    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Makuhari Live");
    shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    const event = await shop.createEvent({
      title: "Summer Sonic",
      venue: "Makuhari Messe",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
    });
    eventId = event.id;
    // A second event of the same shop, later, and one long over: the gate picks from the first two only.
    await shop.createEvent({ title: "Autumn Jazz", venue: "Makuhari Messe", doorsOpenAt: new Date(now + 86_400_000).toISOString(), startsAt: new Date(now + 90_000_000).toISOString() });
    await shop.createEvent({ title: "Last Spring", venue: "Makuhari Messe", doorsOpenAt: new Date(now - 9 * 86_400_000).toISOString(), startsAt: new Date(now - 9 * 86_400_000).toISOString() });
    const other = await admin.createPartner("Another Shop");
    await new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", other.id)).key).createEvent({
      title: "Someone Else's Show",
      venue: "Elsewhere",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
    });

    const fan = await newShopper(server.url);
    for (const [name, seat] of [["A", "A-1"], ["B", "B-2"], ["C", "C-3"], ["D", "D-4"]] as const) {
      const ticket = await shop.postTicket({ eventId, issueNumber: `SS-${name}`, holderPhone: fan.phoneNumber, seat });
      codes[name] = (await fan.phone.issueTicketCode(ticket.id, PASSWORD, "none")).code;
    }
    const blank = join(work, "blank.png");
    blankPicture(blank);
    const qr: Record<string, string> = {};
    for (const name of ["A", "B", "D"] as const) {
      qr[name] = join(work, `${name}.png`);
      await QRCode.toFile(qr[name], codes[name], { errorCorrectionLevel: "L", margin: 4, width: SIDE });
    }
    // North 1 sees nothing for its first seconds (it goes offline then), then A, then B, again and again.
    northVideo = join(work, "north.y4m");
    videoOfSequence([{ png: blank, seconds: 4 }, { png: qr.A, seconds: 2 }, { png: blank, seconds: 1 }, { png: qr.B, seconds: 2 }, { png: blank, seconds: 4 }], join(work, "north.txt"), northVideo);
    // South 1 sees A (admitted at North 1 while offline), then D.
    southVideo = join(work, "south.y4m");
    videoOfSequence([{ png: blank, seconds: 2 }, { png: qr.A, seconds: 2 }, { png: blank, seconds: 1 }, { png: qr.D, seconds: 2 }, { png: blank, seconds: 8 }], join(work, "south.txt"), southVideo);
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await stopWebServer({ server, sms, database });
    if (work) rmSync(work, { recursive: true, force: true });
    if (decideMs.length > 0) {
      const sorted = [...decideMs].sort((a, b) => a - b);
      process.stdout.write(`[browser] gate: code read to verdict, ${sorted.length} scans: median ${sorted[Math.floor(sorted.length / 2)]} ms, most ${sorted[sorted.length - 1]} ms\n`);
    }
  });

  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    const size = page.viewportSize()!;
    await page.setViewportSize(PHONE_VIEWPORT);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`) });
    await page.setViewportSize(size);
  };
  const verdict = (page: Page, result?: "ADMITTED" | "DENIED") => page.locator(result ? `[data-testid=verdict][data-result=${result}]` : "[data-testid=verdict]");
  /**
   * Waits for a verdict of that result showing every one of `words`, notes how long its
   * check took and takes its screenshots (at once: it fills the screen for a moment only).
   * What a test needs the verdict to say goes in `words`, never in a read of its text
   * afterwards: on a busy machine the verdict may have left the page by then.
   */
  const verdictSaying = async (page: Page, result: "ADMITTED" | "DENIED", words: RegExp | string | Array<RegExp | string>, screenshot?: string) => {
    let shown = verdict(page, result);
    for (const said of [words].flat()) shown = shown.filter({ hasText: said });
    await shown.waitFor({ timeout: 30_000 });
    const [ms, colour] = await Promise.all([
      shown.getAttribute("data-ms", { timeout: 1000 }).catch(() => null),
      shown
        .evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor, undefined, { timeout: 1000 })
        .catch(() => null),
    ]);
    if (screenshot) await shot(page, screenshot);
    if (ms !== null) decideMs.push(Number(ms));
    // Green or red over the whole screen, when it was still there to be read (a verdict
    // leaving the page as it is read has no computed style: "").
    if (colour) expect(colour).toBe(result === "ADMITTED" ? "rgb(10, 107, 45)" : "rgb(164, 22, 26)");
  };
  const watch = (page: Page, name: string) => page.on("pageerror", (e) => process.stdout.write(`[${name} error] ${e.message}\n`));

  async function openGate(page: Page, gateName: string) {
    await page.getByLabel("The gate's API key").fill(gateKey);
    await page.getByRole("button", { name: "Show the events" }).click();
    const list = page.getByRole("group", { name: "Event" });
    await list.waitFor();
    await page.getByRole("radio", { name: /Summer Sonic/ }).check();
    await page.getByLabel("Gate name").fill(gateName);
    return list;
  }

  it("shows every screen (phone, register, gate) on a reload with no network, not the browser's error page", async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      watch(page, "offline start");
      await page.goto(`${server.url}/app/`);
      await page.waitForFunction(() => (globalThis as unknown as Browsing).navigator.serviceWorker.controller !== null);
      await context.setOffline(true);
      for (const [screen, shows] of [
        ["phone", "Phone number"],
        ["register", "The store's register API key"],
        ["gate", "The gate's API key"],
      ] as const) {
        await page.goto(`${server.url}/app/#/${screen}`);
        await page.reload();
        await page.getByLabel(shows).waitFor();
      }
      await page.screenshot({ path: join(SCREENSHOTS, "gate-sign-in-offline-phone.png") });
    } finally {
      await context.close();
    }
  });

  it("installs as an app, picks its event from a list, and admits from its snapshot with the network gone before its first scan", async () => {
    const browser = await launchChromium({ camera: northVideo });
    browsers.push(browser);
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    const page = await context.newPage();
    watch(page, "north");
    north = { context, page };
    await page.goto(`${server.url}/app/#/gate`);
    // The service worker has cached the whole app, the QR reader included, and controls the page.
    await page.waitForFunction(() => (globalThis as unknown as Browsing).navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const { caches } = globalThis as unknown as Browsing;
      const names = await caches.keys();
      return (await Promise.all(names.map(async (name) => (await (await caches.open(name)).keys()).map((request) => request.url)))).flat();
    });
    expect(cached.some((url) => /\/app\/assets\/jsQR-[\w-]+\.js/.test(url))).toBe(true);
    expect(cached.some((url) => url.includes("/app/index.html"))).toBe(true);
    const manifest = await page.evaluate(async () => {
      const { document } = globalThis as unknown as Browsing;
      return (await fetch(document.querySelector("link[rel=manifest]")!.href)).json();
    });
    expect(manifest).toMatchObject({ start_url: "/app/", display: "standalone" });

    const list = await openGate(page, "North 1");
    const offered = (await list.getByRole("radio").evaluateAll((radios) => radios.map((r) => (r as unknown as { labels: Array<{ textContent: string }> }).labels[0].textContent))).join(" | ");
    expect(offered).toContain("Summer Sonic");
    expect(offered).toContain("Autumn Jazz");
    expect(offered).not.toContain("Last Spring");
    expect(offered).not.toContain("Someone Else's Show");
    await page.setViewportSize(PHONE_VIEWPORT);
    await page.screenshot({ path: join(SCREENSHOTS, "gate-sign-in-phone.png") });
    await page.setViewportSize(TERMINAL_VIEWPORT);
    await page.getByRole("button", { name: "Open the gate" }).click();
    await page.getByRole("heading", { name: /Gate North 1/ }).waitFor();
    await context.setOffline(true);
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();

    // No tap between visitors: A, then B, each decided as it shows.
    await verdictSaying(page, "ADMITTED", ["Decided offline", "Admitted"], "gate-continuous-offline-admitted");
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 2" }).waitFor({ timeout: 30_000 });
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 0 });
    // A again, after the video comes round: this gate remembers it took A's use, and where and when.
    await verdictSaying(page, "DENIED", [new RegExp(`Already used at North 1 at ${HHMM}`), "Decided offline"], "gate-continuous-offline-denied");
  });

  it("is reloaded with no network: the app, its snapshot and its queue come back, and it still reads codes", async () => {
    const { page } = north;
    const before = Number(/(\d+) scans? waiting/.exec((await page.getByTestId("queued-scans").textContent()) ?? "")?.[1]);
    expect(before).toBeGreaterThanOrEqual(3);
    await page.reload();
    await page.getByRole("heading", { name: /Gate North 1/ }).waitFor();
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();
    await shot(page, "gate-continuous-offline");
    const after = Number(/(\d+) scans? waiting/.exec((await page.getByTestId("queued-scans").textContent()) ?? "")?.[1]);
    expect(after).toBeGreaterThanOrEqual(before);
    // The camera and the reader work offline: A is read again and denied from the saved state.
    await verdictSaying(page, "DENIED", new RegExp(`Already used at North 1 at ${HHMM}`), "gate-continuous-offline-reloaded");
  });

  it("warns before its tab closes with scans not sent, and opened again offline still admits from its snapshot", async () => {
    const { context, page } = north;
    await page.getByRole("heading", { name: /Gate North 1/ }).click();
    const asked = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      }),
    );
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe("beforeunload");
    expect(await eventually(() => page.isClosed())).toBe(true);

    const reopened = await context.newPage();
    await offlineBeforeLoading(context, reopened);
    watch(reopened, "north again");
    north.page = reopened;
    await reopened.goto(`${server.url}/app/#/gate`);
    await reopened.getByRole("heading", { name: /Gate North 1/ }).waitFor();
    await reopened.getByRole("status").filter({ hasText: "Offline" }).waitFor();
    // C, typed: a ticket this gate has not seen, admitted from the snapshot it kept.
    await reopened.getByText("The camera cannot read it? Type the code").click();
    await reopened.getByLabel("Or type the ticket's code").fill(codes.C);
    await reopened.getByRole("button", { name: "Use this code" }).click();
    await verdictSaying(reopened, "ADMITTED", "Decided offline");
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 0 });
  });

  it("uploads every scan once the network is back, each counted once", async () => {
    const { context, page } = north;
    await context.setOffline(false);
    await page.getByTestId("queued-scans").filter({ hasText: "Every scan is on the server." }).waitFor({ timeout: 30_000 });
    const attendance = await new GateClient(server.url, gateKey).attendanceNow(eventId);
    expect(attendance).toMatchObject({ admitted: 3 });
    expect(attendance.byGate).toEqual([expect.objectContaining({ gate: "North 1", admitted: 3 })]);
    for (const name of ["A", "B", "C"]) {
      const ticket = await shop.ticket(`SS-${name}`);
      expect([name, ticket.uses.map((use) => use.gate)]).toEqual([name, ["North 1"]]);
    }
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 3" }).waitFor();
  });

  it("at a second gate, reads A then D without a tap: A is denied with where and when it came in, D is admitted", async () => {
    const browser = await launchChromium({ camera: southVideo });
    browsers.push(browser);
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    // Each beep and vibration is noted (a headless browser has no speaker or motor to check).
    await context.addInitScript(() => {
      const page = globalThis as unknown as {
        signals: string[];
        navigator: { vibrate?: (pattern: unknown) => boolean };
        AudioContext: { prototype: { createOscillator(): unknown } };
      };
      page.signals = [];
      Object.defineProperty(page.navigator, "vibrate", { value: (pattern: unknown) => page.signals.push(`vibrate ${JSON.stringify(pattern)}`) > 0 });
      const create = page.AudioContext.prototype.createOscillator;
      page.AudioContext.prototype.createOscillator = function (this: unknown) {
        page.signals.push("beep");
        return create.call(this);
      };
    });
    const page = await context.newPage();
    watch(page, "south");
    await page.goto(`${server.url}/app/#/gate`);
    await openGate(page, "South 1");
    await page.getByRole("button", { name: "Open the gate" }).click();
    const firstUse = (await shop.ticket("SS-A")).uses[0].at;
    const time = new Date(firstUse).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    await verdictSaying(page, "DENIED", `Already used at North 1 at ${time}`, "gate-continuous-denied-elsewhere");
    await verdictSaying(page, "ADMITTED", ["Seat D-4", "Summer Sonic"], "gate-continuous-admitted");
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 4" }).waitFor();
    // One high beep and a short buzz for yes; two low beeps and a long buzz for no.
    const signals = (await page.evaluate(() => (globalThis as unknown as { signals: string[] }).signals)).join(", ");
    expect(signals).toContain("beep, beep, vibrate [150,80,150]");
    expect(signals).toContain("beep, vibrate 80");
    expect((await shop.ticket("SS-A")).uses).toHaveLength(1);
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 4 });
  });
});
