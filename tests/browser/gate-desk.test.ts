import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { GateClient } from "../../clients/gate";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { serviceWorkerControls, typeCode } from "./gate-page";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the gate's desk tests need Chromium: ${missingTools}: SKIPPED\n`);

/**
 * The gate's desk as an attendant uses it: the gate scans for a check-in list, finds a
 * visitor without a phone by name and admits them, undoes the admission with one tap,
 * and searches its snapshot with no network; the phone answers a ticket offered to it.
 */
describeIf("the gate's desk and ticket offers, in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let shop: PartnerClient;
  let gateKey: string;
  let eventId: string;
  let listId: string;
  let fan: Shopper;
  let plainCode: string;

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Festival Hall");
    shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    eventId = (await shop.createEvent({ title: "Summer Sonic", venue: "Makuhari", doorsOpenAt: new Date(now - 600_000).toISOString(), startsAt: new Date(now + 3_600_000).toISOString() })).id;
    listId = (await shop.createCheckInList({ eventId, name: "VIP area", allTickets: false })).id;
    fan = await newShopper(server.url);
    await shop.postTicket({ eventId, issueNumber: "SS-1", holderPhone: fan.phoneNumber, seat: "A-1", attendeeName: "Tanaka Yuki", checkInListIds: [listId] });
    const plain = await shop.postTicket({ eventId, issueNumber: "SS-2", holderPhone: fan.phoneNumber, attendeeName: "Sato Ken" });
    plainCode = (await fan.phone.issueTicketCode(plain.id, PASSWORD, "none")).code;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  it("scans for a list, admits a visitor without a phone found by name, undoes it, and searches offline", async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    const page: Page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[gate-desk error] ${e.message}\n`));
    await page.goto(`${server.url}/app/#/gate`);
    await serviceWorkerControls(page);
    await page.getByLabel("The gate's API key").fill(gateKey);
    await page.getByRole("button", { name: "Show the events" }).click();
    await page.getByRole("radio", { name: /Summer Sonic/ }).check();
    await page.getByLabel("Check-in list").selectOption({ label: "VIP area" });
    await page.getByLabel("Gate name").fill("VIP door");
    await page.getByRole("button", { name: "Open the gate" }).click();
    await page.getByRole("heading", { name: /Gate VIP door/ }).waitFor();
    await page.getByText("Summer Sonic · VIP area").waitFor();

    const notOnList = await typeCode(page, plainCode);
    expect(notOnList).toMatchObject({ result: "DENIED", text: expect.stringContaining("Not on this check-in list") });
    await page.getByTestId("verdict").click();

    await page.getByText("A visitor without a phone?").click();
    await page.getByLabel("Name or ticket number").fill("tanaka");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const hit = page.getByTestId("search-hits").getByRole("listitem").filter({ hasText: "Tanaka Yuki" });
    await hit.filter({ hasText: "SS-1" }).waitFor();
    await hit.getByRole("button", { name: "Admit" }).click();
    const verdict = await page.waitForSelector("[data-testid=verdict]");
    expect(await verdict.getAttribute("data-result")).toBe("ADMITTED");
    expect(await verdict.textContent()).toContain("Tanaka Yuki");
    expect((await new GateClient(server.url, gateKey).attendanceNow(eventId)).byList).toEqual([{ listId, name: "VIP area", admitted: 1 }]);

    await page.getByTestId("undo-admission").click();
    await page.getByText("Admission undone").waitFor();
    expect(await new GateClient(server.url, gateKey).attendanceNow(eventId)).toMatchObject({ admitted: 0, byList: [{ admitted: 0 }] });
    expect((await shop.gateAudit(eventId)).map((a) => a.action).sort()).toEqual(["ADMIT_BY_ID", "SEARCH", "UNDO"]);

    await context.setOffline(true);
    await page.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();
    await page.getByLabel("Name or ticket number").fill("sato");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const offlineHit = page.getByTestId("search-hits").getByRole("listitem").filter({ hasText: "Sato Ken" });
    await offlineHit.waitFor();
    expect(await offlineHit.getByRole("button", { name: "Admit" }).count()).toBe(0);
    await context.close();
  });

  it("the phone answers a ticket offered to it: accepted with a name, the ticket shows in its list", async () => {
    const receiver = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId, issueNumber: "SS-3", holderPhone: fan.phoneNumber, seat: "C-3" });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    phone.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
    await phone.goto(`${server.url}/app/#/phone`);
    await phone.getByLabel("Phone number").fill(receiver.phoneNumber);
    await phone.getByLabel("Password").fill(PASSWORD);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await openSection(phone, "Tickets");
    await phone.getByText("No tickets yet.").waitFor();

    // Offered while the receiver looks at its tickets: the offer appears live.
    await fan.phone.offerTicket(ticket.id, receiver.phoneNumber);
    const offer = phone.getByTestId("ticket-offer").filter({ hasText: "Summer Sonic" });
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.textContent()).toMatch(/Offered to you by •+\d\d/);
    await offer.getByLabel("Your name for the gate (optional)").fill("Receiver Name");
    await offer.getByRole("button", { name: "Accept" }).click();
    await phone.getByRole("listitem").filter({ hasText: "seat C-3" }).filter({ has: phone.getByRole("button", { name: "Show ticket code" }) }).waitFor();
    await phone.getByTestId("ticket-offer").waitFor({ state: "detached" });
    expect((await receiver.phone.tickets()).map((t) => [t.id, t.attendeeName])).toEqual([[ticket.id, "Receiver Name"]]);
    await context.close();
  });
});
