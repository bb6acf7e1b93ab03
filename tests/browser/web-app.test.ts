import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { randomPhone } from "../support/test-data";
import { eventually } from "../support/eventually";
import { PASSWORD, newRegister, newShopper, type Shopper } from "../support/world";
import { openSection } from "./phone-sections";
import { launchChromium, missingTools, videoOfPicture } from "./chromium";
import { startWebServer, stopWebServer, type SmsGateway } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the web app's browser tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

/** Runs in the page: the colour the element is painted with. */
const backgroundColor = (element: unknown) =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor;

/**
 * The README shows the screenshots in docs/screenshots; `UPDATE_SCREENSHOTS=1 npm run test:browser`
 * makes them afresh there. Every other run writes them to a temporary folder, so a test
 * run leaves the working tree as it found it (each run has new codes, so new pictures).
 */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };

/**
 * The phone, register and gate pages at /app of the real built server, in Chromium:
 * the register reads the phone's QR through its camera (a video of the phone page's
 * QR), a confirmation is answered on the phone page while the register waits live,
 * and the gate admits a ticket once.
 */
describeIf("the web app in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let work: string;
  const browsers: Browser[] = [];
  let shopper: Shopper;
  let phone: Page;
  let sms: SmsGateway;

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({ sms: true }));
    work = mkdtempSync(join(tmpdir(), "wallet-center-browser-"));
    mkdirSync(SCREENSHOTS, { recursive: true });
    shopper = await newShopper(server.url);
    const phoneBrowser = await launchChromium();
    browsers.push(phoneBrowser);
    phone = await (await phoneBrowser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true })).newPage();
    phone.on("console", (m) => m.type() === "error" && process.stdout.write(`[phone console] ${m.text()}\n`));
    phone.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await stopWebServer({ server, sms, database });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const tab = (page: Page, name: string) => openSection(page, name);

  it("signs the phone in, registers this browser as a device, and keeps only the session token in localStorage", async () => {
    const started = Date.now();
    await phone.goto(`${server.url}/app/#/phone`);
    await phone.getByLabel("Phone number").waitFor();
    const loadMs = Date.now() - started;
    const navigation = await phone.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])");
    const { loadEventEnd } = JSON.parse(String(navigation)) as { loadEventEnd: number };
    process.stdout.write(`[browser] the phone page: load event at ${Math.round(loadEventEnd)} ms, sign-in form shown after ${loadMs} ms\n`);
    await shot(phone, "phone-sign-in");

    await phone.getByLabel("Phone number").fill(shopper.phoneNumber);
    await phone.getByLabel("Password").fill(PASSWORD);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.getByRole("img", { name: "Payment code QR" }).waitFor();

    const devices = await shopper.phone.devices();
    expect(devices).toHaveLength(1);
    expect(devices[0].revokedAt).toBeNull();
    const stored = JSON.parse(String(await phone.evaluate("JSON.stringify(Object.entries(localStorage))"))) as Array<[string, string]>;
    expect(stored.map(([key]) => key)).toEqual(["wallet-center.phone-session"]);
    expect(Object.keys(JSON.parse(stored[0][1])).sort()).toEqual(["customerId", "name", "token"]);
    expect(stored[0][1]).not.toContain(PASSWORD);
  });

  it("pays with a code: the register reads the phone's QR through its camera, and both pages hear the result", async () => {
    const { apiKey } = await newRegister(server.url);
    const qr = phone.getByRole("img", { name: "Payment code QR" });
    await qr.waitFor();
    const digits = (await phone.getByTestId("code-digits").textContent())!.replace(/\s/g, "");
    expect(digits).toMatch(/^\d{12,}$/);
    await shot(phone, "phone-pay");

    const picture = join(work, "qr.png");
    await qr.screenshot({ path: picture });
    const video = join(work, "qr.y4m");
    videoOfPicture(picture, video);
    const registerBrowser = await launchChromium({ camera: video });
    browsers.push(registerBrowser);
    const register = await (await registerBrowser.newContext({ viewport: TERMINAL_VIEWPORT })).newPage();
    await register.goto(`${server.url}/app/#/register`);
    await register.getByLabel("The store's register API key").fill(apiKey);
    await register.getByRole("button", { name: "Open the register" }).click();
    await register.getByLabel("Amount (JPY)").fill("900");
    await shot(register, "register-sale");
    await register.getByRole("button", { name: "Scan with the camera" }).click();

    await register.getByText("Approved", { exact: true }).waitFor();
    await expect(register.getByLabel("Or type the customer's code").count()).resolves.toBe(0);
    const approval = await register.getByTestId("approval-number").textContent();
    expect(approval).toMatch(/\S+/);
    await shot(register, "register-approved");
    const [payment] = (await shopper.phone.payments(1)).nodes;
    expect(payment).toMatchObject({ status: "APPROVED", amount: 900, approvalNumber: approval });

    await phone.getByRole("status").filter({ hasText: "Paid" }).waitFor();
    expect(await phone.getByRole("status").filter({ hasText: "Paid" }).textContent()).toContain(approval!);

    // The register asks before a refund (tests/browser/register.test.ts): all of it here.
    await register.getByRole("button", { name: "Refund…" }).click();
    await register.getByRole("dialog", { name: "Refund this payment?" }).getByRole("button", { name: "Refund ¥900" }).click();
    await register.getByText("Refunded", { exact: true }).waitFor();
    await tab(phone, "History");
    await phone.getByText("Refunded", { exact: true }).waitFor();
    await shot(phone, "phone-history");
    (globalThis as { registerPage?: Page }).registerPage = register;
  });

  it("asks the phone page to confirm a large payment while the register page waits, told live", async () => {
    const register = (globalThis as { registerPage?: Page }).registerPage!;
    await shopper.phone.setConfirmAbove(1000);
    await tab(phone, "Pay");
    await phone.getByRole("img", { name: "Payment code QR" }).waitFor();
    const digits = (await phone.getByTestId("code-digits").textContent())!.replace(/\s/g, "");

    await register.getByRole("button", { name: "Next sale" }).click();
    await register.getByLabel("Amount (JPY)").fill("5000");
    await register.getByLabel("Or type the customer's code").fill(digits);
    await register.getByRole("button", { name: "Use this code" }).click();
    await register.getByText("Waiting for the customer to confirm on their phone…").waitFor();
    await shot(register, "register-waiting");

    const sheet = phone.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.waitFor();
    expect(await sheet.textContent()).toContain("5,000");
    await shot(phone, "phone-confirm");
    await sheet.getByRole("button", { name: "Approve" }).click();

    await register.getByText("Approved", { exact: true }).waitFor();
    await sheet.waitFor({ state: "detached" });
    const [payment] = (await shopper.phone.payments(1)).nodes;
    expect(payment).toMatchObject({ status: "APPROVED", amount: 5000 });
    expect(await register.getByTestId("approval-number").textContent()).toBe(payment.approvalNumber);
  });

  /** The gate page of the event, shared by the gate tests, with the partner that sells its tickets. */
  let venue: { gate: Page; gateContext: BrowserContext; shop: PartnerClient; eventId: string };

  /** The code the phone page's rotating QR shows now for a ticket (made on the phone, no request). */
  async function rotatingCode(title: string, seat: string) {
    await tab(phone, "Tickets");
    const item = phone.getByRole("listitem").filter({ hasText: `seat ${seat}` });
    await item.getByRole("button", { name: "Show ticket code" }).click();
    await item.getByRole("img", { name: `Ticket QR for ${title}` }).waitFor();
    return (await item.getByTestId("ticket-code").textContent())!.trim();
  }

  it("admits a rotating ticket QR at the gate page once, and turns red on the second scan", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
    });
    await shop.postTicket({ eventId: event.id, issueNumber: "BDK-0001", holderPhone: shopper.phoneNumber, seat: "A-12" });
    await shop.postTicket({ eventId: event.id, issueNumber: "BDK-0002", holderPhone: shopper.phoneNumber, seat: "A-13" });

    const code = await rotatingCode("Winter Live", "A-12");
    expect(code).toMatch(/^T4:/);
    await shot(phone, "phone-tickets");

    const gateContext = await browsers[0].newContext({ viewport: TERMINAL_VIEWPORT });
    const gate = await gateContext.newPage();
    gate.on("pageerror", (e) => process.stdout.write(`[gate error] ${e.message}\n`));
    venue = { gate, gateContext, shop, eventId: event.id };
    await gate.goto(`${server.url}/app/#/gate`);
    await gate.getByLabel("The gate's API key").fill(gateKey);
    await gate.getByRole("button", { name: "Show the events" }).click();
    await gate.getByRole("radio", { name: /Winter Live/ }).check();
    await gate.getByLabel("Gate name").fill("East 1");
    await gate.getByRole("button", { name: "Open the gate" }).click();
    await gate.getByTestId("admitted-count").filter({ hasText: "Admitted: 0" }).waitFor();
    await shot(gate, "gate-scan");

    await gate.getByLabel("Or type the ticket's code").fill(code);
    await gate.getByRole("button", { name: "Use this code" }).click();
    const verdict = gate.getByTestId("verdict");
    await verdict.filter({ hasText: "Admitted" }).waitFor();
    expect(await verdict.textContent()).toContain("Seat A-12");
    expect(await verdict.evaluate(backgroundColor)).toBe("rgb(10, 107, 45)");
    await shot(gate, "gate-admitted");
    await verdict.waitFor({ state: "detached" });
    await gate.getByTestId("admitted-count").filter({ hasText: "Admitted: 1" }).waitFor();
    await gate.getByTestId("inside-count").filter({ hasText: "Inside: 1" }).waitFor();

    await gate.getByLabel("Or type the ticket's code").fill(code);
    await gate.getByRole("button", { name: "Use this code" }).click();
    await verdict.filter({ hasText: "Denied" }).waitFor();
    expect(await verdict.textContent()).toContain("Already used");
    expect(await verdict.evaluate(backgroundColor)).toBe("rgb(164, 22, 26)");
    await shot(gate, "gate-denied");
    await verdict.waitFor({ state: "detached" });
    expect(await shop.attendance(event.id)).toMatchObject({ admitted: 1 });
  });

  it("keeps admitting at the gate page with no network, from its snapshot, and uploads the scans when the network is back", async () => {
    const { gate, gateContext, shop, eventId } = venue;
    const code = await rotatingCode("Winter Live", "A-13");
    await gateContext.setOffline(true);
    await gate.getByRole("status").filter({ hasText: "Offline: admitting from the snapshot" }).waitFor();

    await gate.getByLabel("Or type the ticket's code").fill(code);
    await gate.getByRole("button", { name: "Use this code" }).click();
    const verdict = gate.getByTestId("verdict");
    await verdict.filter({ hasText: "Admitted" }).waitFor();
    expect(await verdict.textContent()).toContain("Decided offline");
    await shot(gate, "gate-offline-admitted");
    await verdict.waitFor({ state: "detached" });
    await gate.getByLabel("Or type the ticket's code").fill(code);
    await gate.getByRole("button", { name: "Use this code" }).click();
    await verdict.filter({ hasText: "Already used" }).waitFor();
    await verdict.waitFor({ state: "detached" });
    await gate.getByTestId("queued-scans").filter({ hasText: "2 scans waiting to be sent." }).waitFor();
    await gate.getByTestId("admitted-count").filter({ hasText: "Admitted: 2" }).waitFor();
    await shot(gate, "gate-offline");
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 1 });

    await gateContext.setOffline(false);
    await gate.getByTestId("queued-scans").filter({ hasText: "Every scan is on the server." }).waitFor();
    expect(await shop.attendance(eventId)).toMatchObject({ admitted: 2 });
    await gate.getByTestId("admitted-count").filter({ hasText: "Admitted: 2" }).waitFor();
    await gate.getByTestId("inside-count").filter({ hasText: "Inside: 2" }).waitFor();
  });

  it("shows an offline payment code on the phone page with no network, within limits set in Settings, and the register page redeems it", async () => {
    const register = (globalThis as { registerPage?: Page }).registerPage!;
    await tab(phone, "Settings");
    await phone.getByLabel("Most in 24 hours").fill("5000");
    await phone.getByLabel("Payments in 24 hours").fill("3");
    await phone.getByLabel("Your password").fill(PASSWORD);
    await phone.getByRole("button", { name: "Save the offline limits" }).click();
    await phone.getByTestId("offline-limits").filter({ hasText: "at most 5,000" }).waitFor();
    expect((await shopper.phone.devices())[0]).toMatchObject({ offlineMaxAmount: 5000, offlineMaxCount: 3 });

    await tab(phone, "Pay");
    await phone.getByRole("img", { name: "Payment code QR" }).waitFor();
    await phone.context().setOffline(true);
    try {
      await phone.getByRole("status").filter({ hasText: "You are offline" }).waitFor();
      await phone.getByLabel("Pay at most").fill("2000");
      await phone.getByRole("button", { name: "Show an offline payment code" }).click();
      await phone.getByRole("img", { name: "Offline payment QR" }).waitFor();
      const token = (await phone.getByTestId("offline-token").textContent())!.trim();
      expect(token).toMatch(/^P1\./);
      await shot(phone, "phone-offline-pay");

      await register.getByRole("button", { name: "Next sale" }).click();
      await register.getByLabel("Amount (JPY)").fill("1500");
      await register.getByLabel("Or type the customer's code").fill(token);
      await register.getByRole("button", { name: "Use this code" }).click();
      await register.getByText("Approved", { exact: true }).waitFor();
      const customerNumber = await register.getByTestId("customer-number").textContent();
      expect(customerNumber).toMatch(/^\d{10}$/);
      expect(customerNumber).not.toContain(shopper.phoneNumber.slice(-8));
      await shot(register, "register-approved-offline");
    } finally {
      await phone.context().setOffline(false);
    }
    const [payment] = (await shopper.phone.payments(1)).nodes;
    expect(payment).toMatchObject({ status: "APPROVED", amount: 1500 });
    await register.getByRole("button", { name: "Next sale" }).click();
  });

  it("shows memberships with the member QR, bills with their QR (collected at the register page), and the inbox", async () => {
    const register = (globalThis as { registerPage?: Page }).registerPage!;
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Shibuya Utilities & Rewards");
    const program = await admin.createProgram({ name: "Corner Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    await shopper.phone.joinProgram(program.id);
    expect(await biller.sendMessage(program.id, "Double points this week", "Every purchase earns twice the points until Sunday.")).toBe(1);
    await biller.postBill({
      customerPhone: shopper.phoneNumber,
      reference: "WATER-2026-11",
      amount: 4200,
      currency: "JPY",
      dueDate: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      description: "Water, November",
    });

    await tab(phone, "Members");
    await phone.getByRole("button", { name: "Show member code" }).click();
    await phone.getByRole("img", { name: "Corner Points member code QR" }).waitFor();
    await shot(phone, "phone-members");

    await tab(phone, "Inbox");
    await phone.getByText("Double points this week").click();
    await phone.getByText("Every purchase earns twice the points until Sunday.").waitFor();
    await shot(phone, "phone-inbox");
    expect(await eventually(async () => (await shopper.phone.messages())[0].read)).toBe(true);

    await tab(phone, "Bills");
    await phone.getByRole("button", { name: "Show bill code" }).click();
    await phone.getByRole("img", { name: /Bill code QR/ }).waitFor();
    const billCode = (await phone.getByTestId("code-digits").textContent())!.replace(/\s/g, "");
    await shot(phone, "phone-bills");

    await tab(register, "Bill");
    await register.getByLabel("Or type the bill's code").fill(billCode);
    await register.getByRole("button", { name: "Use this code" }).click();
    await register.getByRole("button", { name: "Cash received" }).waitFor();
    await shot(register, "register-bill");
    await register.getByRole("button", { name: "Cash received" }).click();
    await register.getByTestId("verdict").filter({ hasText: "Paid in cash" }).waitFor();
    expect((await shopper.phone.bills())[0]).toMatchObject({ status: "PAID", tender: "CASH" });
    await register.getByRole("button", { name: "Next bill" }).click();

    // A second bill, paid with the customer's card: the register takes the payment code
    // too, waits while the phone confirms (above the customer's 1,000), and then shows it paid.
    const gas = await biller.postBill({
      customerPhone: shopper.phoneNumber,
      reference: "GAS-2026-11",
      amount: 3100,
      currency: "JPY",
      dueDate: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    });
    const gasCode = (await shopper.phone.issueBillCode(gas.id, PASSWORD)).code;
    const payCode = (await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code;
    await register.getByLabel("Or type the bill's code").fill(gasCode);
    await register.getByRole("button", { name: "Use this code" }).click();
    await register.getByRole("button", { name: "Pay by card" }).click();
    await register.getByLabel("Or type the customer's payment code").fill(payCode);
    await register.getByRole("button", { name: "Use this code" }).click();
    await register.getByRole("status").filter({ hasText: "Waiting for the customer" }).waitFor();
    const [request] = await shopper.phone.pendingConfirmations();
    expect(request.payment).toMatchObject({ amount: 3100 });
    await shopper.phone.respondToConfirmation(request.id, true, PASSWORD);
    await register.getByTestId("verdict").filter({ hasText: "Paid by card" }).waitFor();
    expect((await shopper.phone.bills()).find((b) => b.id === gas.id)).toMatchObject({ status: "PAID", tender: "CARD" });
    await register.getByRole("button", { name: "Next bill" }).click();

    await tab(register, "Today");
    await register.getByRole("heading", { name: "Bills collected today" }).waitFor();
    // The day's totals, from the server's store report: the bills collected above are in it.
    await register.getByText("Cash to hand over").waitFor();
    const collected = register.locator("dt", { hasText: "Bills collected" }).locator("xpath=following-sibling::dd[1]");
    expect(Number(await collected.textContent())).toBeGreaterThanOrEqual(2);
    await shot(register, "register-today");
  });

  it("signs up on the phone page with the code the SMS gateway was sent, and makes the browser a device", async () => {
    const context = await browsers[0].newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      const number = randomPhone();
      await page.goto(`${server.url}/app/#/phone`);
      await page.getByRole("button", { name: "New here? Create a wallet" }).click();
      await page.getByLabel("Phone number").fill(number);
      await page.getByRole("button", { name: "Send me a code" }).click();
      await page.getByLabel("The code from the SMS").waitFor();
      await shot(page, "phone-sign-up");
      expect(await eventually(() => sms.codeSentTo(number) !== null)).toBe(true);
      await page.getByLabel("The code from the SMS").fill(sms.codeSentTo(number)!);
      await page.getByLabel("Your name").fill("Aoi Tanaka");
      await page.getByLabel("Choose a password").fill(PASSWORD);
      await page.getByRole("button", { name: "Create my wallet" }).click();
      await page.getByRole("img", { name: "Payment code QR" }).or(page.getByText("No card is available for payments")).waitFor();
      await page.getByText("Aoi Tanaka").waitFor();
      const client = new PhoneClient(server.url);
      await client.login(number, PASSWORD);
      expect(await client.devices()).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
