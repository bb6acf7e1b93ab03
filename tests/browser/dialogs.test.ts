import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, TEST_CARDS, newRegister, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the dialog tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };
const GREEN = "rgb(10, 107, 45)";
const RED = "rgb(164, 22, 26)";

/** Runs in the page before its scripts: records each beep (an oscillator started) and each vibration. */
const RECORD_SIGNALS = `
  window.__signals = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__signals.push("beep:" + this.frequency.value); return start.apply(this, args); };
  Object.defineProperty(navigator, "vibrate", { value: (pattern) => { window.__signals.push("vibrate:" + JSON.stringify(pattern)); return true; } });
`;

/** Runs in the page: whether the element matching the selector sits in an inert part of the page. */
const inert = (page: Page, selector: string) => page.evaluate(`!!document.querySelector(${JSON.stringify(selector)})?.closest("[inert]")`);
/** Runs in the page: the focused element's accessible label or text. */
const focused = (page: Page) => page.evaluate(`(document.activeElement?.getAttribute("aria-label") || document.activeElement?.textContent || "").trim()`);

/**
 * The phone's payment-PIN prompt and its remove-card question are modal dialogs (the page
 * behind inert, Escape closes, focus returns), and the register's bill collection ends
 * in the sale's full-screen verdict with words, a beep and a vibration.
 */
describeIf("dialogs and the bill verdict in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  async function phoneSignedIn(shopper: Shopper): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[dialogs error] ${e.message}\n`));
    await page.goto(`${server.url}/app/#/phone`);
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Pay", exact: true }).waitFor();
    return page;
  }

  it("asks before removing a card in a modal dialog: the page behind is inert, Escape keeps the card and focus returns", async () => {
    const shopper = await newShopper(server.url);
    const [card] = await shopper.phone.cards();
    const page = await phoneSignedIn(shopper);
    await page.getByRole("navigation", { name: "Wallet sections" }).getByRole("button", { name: "Cards", exact: true }).click();
    const remove = page.getByRole("button", { name: `Remove ${card.brand} ending ${card.last4}` });
    await remove.click();
    const ask = page.getByRole("alertdialog", { name: `Remove ${card.brand} •••• ${card.last4}?` });
    await ask.waitFor();
    expect(await ask.getAttribute("aria-modal")).toBe("true");
    expect(await focused(page)).toBe("Keep it");
    expect(await inert(page, ".bottom-bar")).toBe(true);
    expect(await inert(page, "header.bar")).toBe(true);

    await page.keyboard.press("Escape");
    await ask.waitFor({ state: "detached" });
    expect(await focused(page)).toBe(`Remove ${card.brand} ending ${card.last4}`);
    expect(await inert(page, ".bottom-bar")).toBe(false);
    expect((await shopper.phone.cards()).map((c) => c.id)).toEqual([card.id]);

    await remove.click();
    await ask.getByRole("button", { name: "Remove the card" }).click();
    await page.getByRole("status").filter({ hasText: "was removed" }).waitFor();
    expect(await eventually(async () => (await shopper.phone.cards()).length === 0)).toBe(true);
    expect(await inert(page, ".bottom-bar")).toBe(false);
    await page.context().close();
  });

  it("asks the payment PIN in a modal dialog over the confirmation sheet: Escape closes it and sends nothing, the PIN then approves", async () => {
    const shopper = await newShopper(server.url);
    await shopper.phone.setPaymentPin("4826", PASSWORD);
    const page = await phoneSignedIn(shopper);
    const { register } = await newRegister(server.url, "JPY", "Dialog Books");
    const asked = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 2500, currency: "JPY" }, "dialogs-pin");
    const sheet = page.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.getByRole("button", { name: "Approve" }).click();
    const pin = page.getByRole("dialog", { name: "Your payment PIN" });
    await pin.waitFor();
    expect(await pin.getAttribute("aria-modal")).toBe("true");
    // The PIN field has the focus.
    expect(await eventually(async () => (await page.evaluate(`document.activeElement?.getAttribute("autocomplete")`)) === "one-time-code")).toBe(true);
    expect(await inert(page, ".sheet-backdrop .sheet[aria-labelledby='confirm-title']")).toBe(true);

    await page.keyboard.press("Escape");
    await pin.waitFor({ state: "detached" });
    await sheet.getByRole("alert").filter({ hasText: "Not confirmed: nothing was sent." }).waitFor();
    expect(await inert(page, ".sheet-backdrop .sheet[aria-labelledby='confirm-title']")).toBe(false);
    expect((await register.payment(asked.id))?.status).toBe("PENDING_CONFIRMATION");

    await sheet.getByRole("button", { name: "Approve" }).click();
    await pin.getByLabel("Payment PIN").fill("4826");
    await pin.getByRole("button", { name: "Confirm" }).click();
    await sheet.waitFor({ state: "detached" });
    expect(await eventually(async () => (await register.payment(asked.id))?.status === "APPROVED")).toBe(true);
    await page.context().close();
  });

  it("ends a bill collection in a full-screen verdict: green in cash, red for a declined card, each with words, a beep and a vibration", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Dialog Utilities");
    const biller = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const shopper = await newShopper(server.url, TEST_CARDS.declined);
    const { apiKey } = await newRegister(server.url, "JPY", "Dialog Mart");
    const bill = (reference: string) =>
      biller.postBill({ customerPhone: shopper.phoneNumber, reference, amount: 4200, currency: "JPY", dueDate: new Date(Date.now() + 10 * 86_400_000).toISOString() });
    const water = await bill("WATER-1");
    const gas = await bill("GAS-1");

    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    await context.addInitScript(RECORD_SIGNALS);
    const page = await context.newPage();
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").fill(apiKey);
    await page.getByRole("button", { name: "Open the register" }).click();
    await page.getByRole("navigation", { name: "Register sections" }).getByRole("button", { name: "Bill", exact: true }).click();
    const signals = async () => JSON.parse(String(await page.evaluate("JSON.stringify(window.__signals)"))) as string[];
    const color = () => page.getByTestId("verdict").evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);

    await page.getByLabel("Or type the bill's code").fill((await shopper.phone.issueBillCode(water.id, PASSWORD)).code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByRole("button", { name: "Cash received" }).click();
    const verdict = page.getByTestId("verdict");
    await verdict.filter({ hasText: "Paid in cash" }).waitFor();
    expect(await verdict.locator(".big-word").textContent()).toBe("Collected");
    expect(await color()).toBe(GREEN);
    expect(await eventually(async () => (await signals()).includes("vibrate:120"))).toBe(true);
    expect(await focused(page)).toBe("Next bill");
    await page.getByRole("button", { name: "Next bill" }).click();
    await verdict.waitFor({ state: "detached" });

    await page.evaluate("window.__signals.length = 0");
    await page.getByLabel("Or type the bill's code").fill((await shopper.phone.issueBillCode(gas.id, PASSWORD)).code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByRole("button", { name: "Pay by card" }).click();
    await page.getByLabel("Or type the customer's payment code").fill((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none")).code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await verdict.filter({ hasText: "The card was declined. The bill is still to be paid" }).waitFor();
    expect(await verdict.locator(".big-word").textContent()).toBe("Not collected");
    expect(await color()).toBe(RED);
    expect(await eventually(async () => (await signals()).includes("vibrate:[200,100,200]"))).toBe(true);
    expect((await signals()).filter((s) => s === "beep:220")).toHaveLength(2);
    expect((await shopper.phone.bills()).find((b) => b.id === gas.id)?.status).not.toBe("PAID");
    await context.close();
  });
});
