import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openGate, queuedScans, serviceWorkerControls, typeCode } from "./gate-page";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the gate's exit tests need Chromium: ${missingTools}: SKIPPED\n`);

const HHMM = String.raw`\d\d:\d\d`;

/**
 * Exits and seats at a gate with no network, as the online gate has them: a visitor is
 * let out (the scan queued and uploaded like an admission), a single-entry ticket comes
 * back in after its exit at an event that allows re-entry, a ticket never admitted is
 * not let out, and the seat shows on the verdict from the snapshot.
 */
describeIf("the gate's exits and seats with no network, in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let shop: PartnerClient;
  let gateKey: string;
  let eventId: string;
  const codes: Record<"seated" | "standing", string> = { seated: "", standing: "" };

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Hall");
    shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    eventId = (
      await shop.createEvent({
        title: "Night Concert",
        venue: "Budokan",
        doorsOpenAt: new Date(now - 600_000).toISOString(),
        startsAt: new Date(now + 3_600_000).toISOString(),
        allowReentry: true,
      })
    ).id;
    const fan = await newShopper(server.url);
    for (const [name, seat] of [["seated", "Arena B-12"], ["standing", null]] as const) {
      const ticket = await shop.postTicket({ eventId, issueNumber: `NC-${name}`, holderPhone: fan.phoneNumber, seat });
      codes[name] = (await fan.phone.issueTicketCode(ticket.id, PASSWORD, "none")).code;
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  it("offline: admits with the seat, lets out, refuses to let out one never in, and re-admits after the exit", async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[gate-exits error] ${e.message}\n`));
    await page.goto(`${server.url}/app/#/gate`);
    await serviceWorkerControls(page);
    await openGate(page, gateKey, "Night Concert", "East 1");
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 0" }).waitFor();
    await context.setOffline(true);
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();

    const entry = await typeCode(page, codes.seated);
    expect(entry.result).toBe("ADMITTED");
    expect(entry.text).toContain("Seat Arena B-12");
    expect(entry.text).toContain("Decided offline");
    await page.getByTestId("inside-count").filter({ hasText: "Inside: 1" }).waitFor();

    // In already: a second entry is refused, and the seat is not what it says.
    const twice = await typeCode(page, codes.seated);
    expect(twice.result).toBe("DENIED");
    expect(twice.text).toMatch(new RegExp(`Already used at East 1 at ${HHMM}`));

    await page.getByLabel("Exit: let visitors out").check();
    const out = await typeCode(page, codes.seated);
    expect(out.result).toBe("EXITED");
    expect(out.text).toContain("Let out");
    expect(out.text).toContain("Seat Arena B-12");
    expect(out.text).toContain("Decided offline");
    await page.getByTestId("inside-count").filter({ hasText: "Inside: 0" }).waitFor();

    const neverIn = await typeCode(page, codes.standing);
    expect(neverIn.result).toBe("DENIED");
    expect(neverIn.text).toContain("Never came in: nothing to let out");

    await page.getByLabel("Exit: let visitors out").uncheck();
    const back = await typeCode(page, codes.seated);
    expect(back.result).toBe("ADMITTED");
    expect(back.text).toContain("Seat Arena B-12");
    // Back in after an exit: inside again, but no new visitor.
    await page.getByTestId("inside-count").filter({ hasText: "Inside: 1" }).waitFor();
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 1" }).waitFor();

    const standing = await typeCode(page, codes.standing);
    expect(standing.result).toBe("ADMITTED");
    expect(standing.text).toContain("Welcome");
    expect(standing.text).not.toContain("Seat");
    expect(await queuedScans(page)).toBe(6);
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 0 });
  });

  it("uploads the exits with the entries once the network is back, and the server agrees on who is inside", async () => {
    await page.context().setOffline(false);
    await page.getByTestId("queued-scans").filter({ hasText: "Every scan is on the server." }).waitFor({ timeout: 30_000 });
    const attendance = await new GateClient(server.url, gateKey).attendanceNow(eventId);
    expect(attendance).toMatchObject({ admitted: 2, inside: 2 });
    // Passages at the gate: three entries (the re-entry among them) and one exit.
    expect(attendance.byGate).toEqual([expect.objectContaining({ gate: "East 1", admitted: 3, exited: 1 })]);
    expect((await shop.ticket("NC-seated")).uses.map((use) => use.gate)).toEqual(["East 1"]);
    await page.getByTestId("inside-count").filter({ hasText: "Inside: 2" }).waitFor();
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 2" }).waitFor();
  });

  it("online: lets out and re-admits through the server", async () => {
    await page.getByLabel("Exit: let visitors out").check();
    const out = await typeCode(page, codes.standing);
    expect(out.result).toBe("EXITED");
    expect(out.text).not.toContain("Decided offline");
    await page.getByLabel("Exit: let visitors out").uncheck();
    const back = await typeCode(page, codes.standing);
    expect(back.result).toBe("ADMITTED");
    expect(back.text).toContain("Night Concert");
    const attendance = await new GateClient(server.url, gateKey).attendanceNow(eventId);
    expect(attendance).toMatchObject({ admitted: 2, inside: 2 });
    expect(attendance.byGate).toEqual([expect.objectContaining({ gate: "East 1", admitted: 4, exited: 2 })]);
  });
});
