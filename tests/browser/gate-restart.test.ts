import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper } from "../support/world";
import { CHROMIUM, missingTools, offlineBeforeLoading } from "./chromium";
import { openGate, queuedScans, serviceWorkerControls, typeCode } from "./gate-page";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the gate's restart test needs Chromium: ${missingTools}: SKIPPED\n`);

const HHMM = String.raw`\d\d:\d\d`;

/** A scan as the page uploaded it (syncScans' variables). */
interface SentScan {
  code: string;
  gate: string;
  scannedAt: string;
  exit?: boolean;
}

/**
 * A gate device that is switched off: Chromium with a profile on disk, closed entirely
 * (the browser process, not just the tab) while offline and with scans not yet sent, then
 * launched again with the same profile and still no network. The app comes from the
 * service worker, the queue and the uses it took from IndexedDB; back online, each scan
 * reaches the server exactly once.
 */
describeIf("the gate after its browser is closed and started again offline", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let profile: string;
  let context: BrowserContext | null = null;
  let gateKey: string;
  let eventId: string;
  const codes: Record<"first" | "second", string> = { first: "", second: "" };
  const sent: SentScan[] = [];

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    profile = mkdtempSync(join(tmpdir(), "wallet-center-gate-profile-"));
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Osaka Dome");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    eventId = (
      await shop.createEvent({ title: "Winter Cup", venue: "Osaka Dome", doorsOpenAt: new Date(now - 600_000).toISOString(), startsAt: new Date(now + 3_600_000).toISOString() })
    ).id;
    const fan = await newShopper(server.url);
    for (const name of ["first", "second"] as const) {
      const ticket = await shop.postTicket({ eventId, issueNumber: `WC-${name}`, holderPhone: fan.phoneNumber });
      codes[name] = (await fan.phone.issueTicketCode(ticket.id, PASSWORD, "none")).code;
    }
  });

  afterAll(async () => {
    await context?.close();
    await stopWebServer({ server, database });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Chromium on the gate's profile: the whole browser, which closing the context ends. */
  async function launch(offline: boolean): Promise<Page> {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      offline,
      viewport: { width: 800, height: 700 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    // Every upload the page makes, to check that no scan is sent twice.
    context.on("request", (request) => {
      const body = request.url().endsWith("/graphql") ? request.postDataJSON() : null;
      if (body && /mutation SyncScans/.test(String(body.query))) sent.push(...(body.variables.scans as SentScan[]));
    });
    const page = context.pages()[0] ?? (await context.newPage());
    if (offline) await offlineBeforeLoading(context, page);
    page.on("pageerror", (e) => process.stdout.write(`[gate-restart error] ${e.message}\n`));
    return page;
  }

  it("loads its snapshot online, admits two tickets offline, and is closed with both scans waiting", async () => {
    const page = await launch(false);
    await page.goto(`${server.url}/app/#/gate`);
    await serviceWorkerControls(page);
    await openGate(page, gateKey, "Winter Cup", "West 1");
    await context!.setOffline(true);
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();
    for (const name of ["first", "second"] as const) {
      const verdict = await typeCode(page, codes[name]);
      expect([name, verdict.result]).toEqual([name, "ADMITTED"]);
      expect(verdict.text).toContain("Decided offline");
    }
    expect(await queuedScans(page)).toBe(2);
    // The browser process ends: no tab, no worker, nothing in memory survives.
    await context!.close();
    context = null;
    expect(sent).toEqual([]);
  });

  it("started again with no network: the app comes from the service worker, the scans are still queued, and a used ticket is refused", async () => {
    const page = await launch(true);
    await page.goto(`${server.url}/app/#/gate`);
    await page.getByRole("heading", { name: /Gate West 1/ }).waitFor();
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();
    expect(await queuedScans(page)).toBe(2);
    const again = await typeCode(page, codes.first);
    expect(again.result).toBe("DENIED");
    expect(again.text).toMatch(new RegExp(`Already used at West 1 at ${HHMM}`));
    expect(await queuedScans(page)).toBe(3);
  });

  it("back online: uploads each scan exactly once, and the server holds one admission per scan", async () => {
    const page = context!.pages()[0];
    await context!.setOffline(false);
    await page.getByTestId("queued-scans").filter({ hasText: "Every scan is on the server." }).waitFor({ timeout: 30_000 });
    const keys = sent.map((scan) => `${scan.code} ${scan.scannedAt}`);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(sent.map((scan) => scan.gate)).toEqual(["West 1", "West 1", "West 1"]);

    const db = new Database(join(database.dataDir, "wallet.sqlite"), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT ticketId, result, reason, offline FROM admissions WHERE eventId = ? ORDER BY at").all(eventId) as Array<{ result: string; reason: string | null; offline: number }>;
      expect(rows.map(({ result, reason, offline }) => [result, reason, offline])).toEqual([
        ["ADMITTED", null, 1],
        ["ADMITTED", null, 1],
        ["DENIED", "ALREADY_USED", 1],
      ]);
    } finally {
      db.close();
    }
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 2" }).waitFor();
  });
});
