import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, TEST_CARDS, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { startWebServer, stopWebServer, type SmsGateway } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the register's browser tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const TERMINAL_VIEWPORT = { width: 800, height: 700 };
const PHONE_VIEWPORT = { width: 390, height: 844 };
const GREEN = "rgb(10, 107, 45)";
const RED = "rgb(164, 22, 26)";

/** Runs in the page: the colour the element is painted with. */
const backgroundColor = (element: unknown) =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor;

/**
 * Runs in the page before its scripts: records each beep (an oscillator started) and
 * each vibration, as the register's verdict makes them.
 */
const RECORD_SIGNALS = `
  window.__signals = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__signals.push("beep:" + this.frequency.value); return start.apply(this, args); };
  Object.defineProperty(navigator, "vibrate", { value: (pattern) => { window.__signals.push("vibrate:" + JSON.stringify(pattern)); return true; } });
`;

/**
 * The register screen as a cashier uses it, in Chromium against the real built server:
 * the verdict fills the screen green or red with words, a refund is asked first and may
 * be partial, the key stays on the device until "Sign out", a revoked key leads back to
 * the key form, and Today lists today's payments with every status in words.
 */
describeIf("the register screen in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sms: SmsGateway;
  let browser: Browser;
  let admin: AdminClient;

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({ sms: true }));
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, sms, database });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  async function store(name: string, currency = "JPY", timeZone = "Asia/Tokyo") {
    const created = await admin.createStore(name, currency, undefined, { timeZone });
    const key = await admin.issueApiKey("REGISTER", created.id);
    return { store: created, apiKey: key.key, keyId: key.id };
  }

  async function registerPage(viewport = TERMINAL_VIEWPORT): Promise<Page> {
    const context = await browser.newContext({ viewport });
    await context.addInitScript(RECORD_SIGNALS);
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[register error] ${e.message}\n`));
    return page;
  }

  async function signIn(page: Page, apiKey: string) {
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").fill(apiKey);
    await page.getByRole("button", { name: "Open the register" }).click();
    await page.getByRole("heading", { name: "Sale" }).waitFor();
  }

  async function sell(page: Page, shopper: Shopper, amount: number) {
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    await page.getByLabel(/^Amount \(/).fill(String(amount));
    await page.getByLabel("Or type the customer's code").fill(code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByTestId("verdict").waitFor();
  }

  /** The verdict's colour, and how much of the viewport it covers (1 = all of it). */
  async function verdictLook(page: Page) {
    const verdict = page.getByTestId("verdict");
    const box = (await verdict.boundingBox())!;
    const viewport = page.viewportSize()!;
    const color = await verdict.evaluate(backgroundColor);
    return { color, covers: (box.width * box.height) / (viewport.width * viewport.height) };
  }

  const signals = async (page: Page) => JSON.parse(String(await page.evaluate("JSON.stringify(window.__signals)"))) as string[];
  const storedKeys = async (page: Page) => JSON.parse(String(await page.evaluate("JSON.stringify(Object.keys(localStorage))"))) as string[];

  /** Waits until `read` gives `expected` (it may take a moment), then asserts it. */
  async function becomes<T>(read: () => Promise<T>, expected: T) {
    await eventually(async () => JSON.stringify(await read()) === JSON.stringify(expected));
    expect(await read()).toEqual(expected);
  }

  it("keeps the key on the device across a reload (and when the network is down), takes the currency from the store, and forgets the key at sign-out", async () => {
    const { apiKey } = await store("Deli Boston", "USD", "America/New_York");
    const page = await registerPage();
    await page.goto(`${server.url}/app/#/register`);
    await expect(page.getByLabel("Currency").count()).resolves.toBe(0); // not typed by the clerk
    await shot(page, "register-sign-in");
    await signIn(page, apiKey);
    await expect(page.getByTestId("store-name").textContent()).resolves.toBe("Deli Boston");
    await page.getByLabel("Amount (USD)").waitFor();

    await page.reload();
    await page.getByLabel("Amount (USD)").waitFor(); // no key asked again
    await expect(page.getByLabel("The store's register API key").count()).resolves.toBe(0);

    // The network is down as the register opens: the key is kept, and tried again on request.
    await page.route("**/graphql", (route) => route.abort("internetdisconnected"));
    await page.reload();
    await page.getByTestId("signed-out-why").filter({ hasText: "The saved key could not be checked: The server cannot be reached." }).waitFor();
    expect(await storedKeys(page)).toEqual(["wallet-center.register-key"]);
    await page.unroute("**/graphql");
    await page.getByRole("button", { name: "Try the saved key again" }).click();
    await page.getByLabel("Amount (USD)").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("The store's register API key").waitFor();
    expect(await storedKeys(page)).toEqual([]);
    await page.reload();
    await page.getByLabel("The store's register API key").waitFor();
    await page.context().close();
  });

  it("fills the screen green with words, a beep and a vibration for an approved sale; a refund asks first and gives back part", async () => {
    const { apiKey } = await store("Corner Store Shibuya");
    const shopper = await newShopper(server.url);
    const page = await registerPage();
    await signIn(page, apiKey);
    await page.getByLabel("Amount (JPY)").waitFor();
    await sell(page, shopper, 900);

    await page.getByText("Approved", { exact: true }).waitFor();
    expect(await verdictLook(page)).toEqual({ color: GREEN, covers: 1 });
    await becomes(() => signals(page), ["beep:1320", "vibrate:120"]);
    await shot(page, "register-approved-verdict");

    // Refund sits away from Next sale, and one tap only asks.
    const refund = (await page.getByRole("button", { name: "Refund…" }).boundingBox())!;
    const next = (await page.getByRole("button", { name: "Next sale" }).boundingBox())!;
    expect(Math.abs(next.y - refund.y)).toBeGreaterThan(150);
    await page.getByRole("button", { name: "Refund…" }).click();
    const ask = page.getByRole("dialog", { name: "Refund this payment?" });
    await ask.waitFor();
    await expect(ask.getByText("Paid ¥900").count()).resolves.toBe(1);
    await expect(ask.getByLabel(/Amount to refund/).inputValue()).resolves.toBe("900");
    await shot(page, "register-refund-ask");
    const [asked] = (await shopper.phone.payments(1)).nodes;
    expect(asked).toMatchObject({ status: "APPROVED", refundedAmount: 0 }); // asking refunded nothing

    // Keeping the payment refunds nothing either.
    await ask.getByRole("button", { name: "Keep the payment" }).click();
    await ask.waitFor({ state: "detached" });
    expect((await shopper.phone.payments(1)).nodes[0]).toMatchObject({ status: "APPROVED", refundedAmount: 0 });

    // Too much is refused in words, then a part is given back.
    await page.getByRole("button", { name: "Refund…" }).click();
    await ask.getByLabel(/Amount to refund/).fill("1000");
    await ask.getByRole("button", { name: "Refund" }).click();
    await ask.getByRole("alert").filter({ hasText: "Enter a whole amount from ¥1 to ¥900." }).waitFor();
    await ask.getByLabel(/Amount to refund/).fill("300");
    await ask.getByRole("button", { name: "Refund ¥300" }).click();
    await page.getByText("Partly refunded", { exact: true }).waitFor();
    await ask.waitFor({ state: "detached" });
    expect((await shopper.phone.payments(1)).nodes[0]).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 300 });
    await shot(page, "register-partly-refunded");
    await page.setViewportSize(PHONE_VIEWPORT); // a phone used as the register
    await page.getByRole("button", { name: "Refund…" }).click();
    await ask.waitFor();
    await shot(page, "register-refund-ask-phone");
    await ask.getByRole("button", { name: "Keep the payment" }).click();
    expect(await verdictLook(page)).toEqual({ color: "rgb(11, 79, 156)", covers: 1 });
    await page.setViewportSize(TERMINAL_VIEWPORT);
    await page.getByRole("button", { name: "Next sale" }).click();
    await page.getByLabel("Amount (JPY)").waitFor();
    await page.context().close();
  });

  it("fills the screen red with the reason in words for a declined card, a customer who said no, and a code already used", async () => {
    const { apiKey } = await store("Corner Store Ebisu");
    const declined = await newShopper(server.url, TEST_CARDS.declined);
    const page = await registerPage();
    await signIn(page, apiKey);
    await sell(page, declined, 500);
    await page.getByText("Declined", { exact: true }).waitFor();
    await page.getByText("The card was declined", { exact: true }).waitFor();
    await expect(page.getByText("card_declined").count()).resolves.toBe(0);
    expect(await verdictLook(page)).toEqual({ color: RED, covers: 1 });
    await becomes(() => signals(page), ["beep:220", "beep:220", "vibrate:[200,100,200]"]);
    await expect(page.getByRole("button", { name: "Refund…" }).count()).resolves.toBe(0);
    await shot(page, "register-declined-verdict");

    // The customer says no on the phone while the register waits: red, in words.
    const careful = await newShopper(server.url);
    await careful.phone.setConfirmAbove(1000);
    await page.getByRole("button", { name: "Next sale" }).click();
    await page.getByLabel("Amount (JPY)").fill("5000");
    const issued = await careful.phone.issuePaymentCode(careful.card.id, PASSWORD, null, "none");
    await page.getByLabel("Or type the customer's code").fill(issued.code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByText("Waiting for the customer to confirm on their phone…").waitFor();
    const [request] = await careful.phone.pendingConfirmations();
    await careful.phone.respondToConfirmation(request.id, false, PASSWORD);
    await page.getByText("Rejected by the customer", { exact: true }).waitFor();
    await page.getByText("The customer said no on their phone", { exact: true }).waitFor();
    expect(await verdictLook(page)).toEqual({ color: RED, covers: 1 });

    // A code used twice is not charged again, and says so in words.
    const shopper = await newShopper(server.url, TEST_CARDS.insufficientFunds);
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    for (const attempt of [1, 2]) {
      await page.getByRole("button", { name: "Next sale" }).click();
      await page.getByLabel("Amount (JPY)").fill("700");
      await page.getByLabel("Or type the customer's code").fill(code);
      await page.getByRole("button", { name: "Use this code" }).click();
      await page.getByTestId("verdict").waitFor();
      if (attempt === 1) await page.getByText("Not enough money on the card", { exact: true }).waitFor();
    }
    await page.getByText("Not charged", { exact: true }).waitFor();
    await page.getByText("This code was already used. Ask the customer to show a new one.").waitFor();
    await expect(page.getByText("CODE_ALREADY_USED").count()).resolves.toBe(0);
    expect(await verdictLook(page)).toEqual({ color: RED, covers: 1 });
    await shot(page, "register-not-charged");
    await page.context().close();
  });

  it("lists today's payments with every status in words, refunds from the list after asking, and says when a list is empty", async () => {
    const { apiKey } = await store("Corner Store Meguro");
    const shopper = await newShopper(server.url);
    const page = await registerPage();
    await signIn(page, apiKey);
    await page.getByRole("navigation").getByRole("button", { name: "Today", exact: true }).click();
    await page.getByText("No payments yet today.").waitFor();
    await page.getByText("No bills collected yet today.").waitFor();
    await page.getByRole("navigation").getByRole("button", { name: "Sale", exact: true }).click();
    for (const amount of [1200, 800]) {
      await sell(page, shopper, amount);
      await page.getByRole("button", { name: "Next sale" }).click();
    }
    await page.getByRole("navigation").getByRole("button", { name: "Today", exact: true }).click();
    const list = page.getByRole("list", { name: "Payments today" });
    await becomes(() => list.getByTestId("payment-status").allTextContents(), ["Approved", "Approved"]);

    // Another till refunds the ¥800 meanwhile: this list is stale, and the refusal reads in words.
    const otherTill = new RegisterClient(server.url, apiKey);
    const eight = (await otherTill.payments(2)).nodes.find((p) => p.amount === 800)!;
    await otherTill.refundPayment(eight.id, "other-till");
    await list.getByRole("button", { name: /^Refund ¥800/ }).click();
    const ask = page.getByRole("dialog", { name: "Refund this payment?" });
    await ask.getByRole("button", { name: "Refund ¥800" }).click();
    await ask.getByRole("alert").filter({ hasText: "This payment is refunded now, so that cannot be done." }).waitFor();
    await ask.getByRole("button", { name: "Keep the payment" }).click();

    await list.getByRole("button", { name: /^Refund ¥1,200/ }).click();
    await ask.getByLabel(/Amount to refund/).fill("200");
    await ask.getByRole("button", { name: "Refund ¥200" }).click();
    await page.getByRole("status").filter({ hasText: "Refunded: ¥200 given back to the card." }).waitFor();
    await becomes(() => list.getByTestId("payment-status").allTextContents(), ["Refunded", "Partly refunded"]);
    const refunded = page.locator("dt", { hasText: "Refunded" }).locator("xpath=following-sibling::dd[1]");
    await becomes(() => refunded.textContent(), "¥1,000");
    await shot(page, "register-today-words");

    await page.setViewportSize(PHONE_VIEWPORT);
    await shot(page, "register-today-phone");
    await page.context().close();
  });

  it("leads back to the key form with one sentence when the key is revoked", async () => {
    const { apiKey, keyId } = await store("Corner Store Nakano");
    const first = await registerPage(PHONE_VIEWPORT);
    await signIn(first, apiKey);
    await shot(first, "register-sale-phone");
    const context = first.context();
    await first.close();
    await admin.revokeApiKey(keyId);
    // The terminal opens again: the saved key is checked as the register opens.
    const page = await context.newPage();
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").waitFor();
    await page.getByTestId("signed-out-why").filter({ hasText: "This register's key no longer works: it was revoked or replaced. Enter the new key." }).waitFor();
    expect(await storedKeys(page)).toEqual([]);
    await shot(page, "register-key-revoked");

    // An open register hears it at once: the server closes its live feed, and the check that follows is refused.
    const second = await store("Corner Store Koenji");
    await signIn(page, second.apiKey);
    await admin.revokeApiKey(second.keyId);
    await page.getByTestId("signed-out-why").waitFor();
    expect(await storedKeys(page)).toEqual([]);
    await page.context().close();
  });
});
