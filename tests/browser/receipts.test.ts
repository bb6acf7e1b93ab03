import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { BooksClient, parseReceipt } from "../../clients/books";
import type { Payment } from "../../clients/common";
import { verifyReceipt } from "../../clients/wire/receipt";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { PASSWORD, newRegister, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the receipts' browser tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };
const KEYS_URL = "**/.well-known/wallet-center/receipt-keys.json";
const GREEN = "rgb(10, 107, 45)";
const RED = "rgb(164, 22, 26)";

/** Runs in the page: the colour the element's text is painted in. */
const textColor = (element: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(element).color;

/** The QR in a PNG, as anyone's camera reads it: its text and its version. */
function readQr(png: Buffer): { data: string; version: number } | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return found && { data: found.data, version: found.version };
}

/** The receipt with one character of its signature changed: what a forger or a bad proxy would hand over. */
function tampered(json: string): string {
  const receipt = parseReceipt(json);
  const first = receipt.signature[0];
  return JSON.stringify({ ...receipt, signature: `${first === "A" ? "B" : "A"}${receipt.signature.slice(1)}` });
}

/** The receipt naming a key id the published set does not have (as one signed by a key newer than a device's copy would). */
const underAnotherKey = (json: string): string => JSON.stringify({ ...parseReceipt(json), keyId: "0123456789abcdef" });

/** Routes the page's history answers through `change`, applied to each receipt's JSON. */
async function changeReceipts(page: Page, change: (json: string) => string) {
  await page.route("**/graphql", async (route: Route) => {
    if (!/query Payments\b/.test(route.request().postData() ?? "")) return route.continue();
    const answer = await route.fetch();
    const body = (await answer.json()) as { data: { payments: { nodes: Array<{ receipt: { json: string } | null }> } } };
    for (const node of body.data.payments.nodes) if (node.receipt) node.receipt.json = change(node.receipt.json);
    await route.fulfill({ response: answer, json: body });
  });
}

/**
 * Receipts in the web apps, in Chromium against the built server: the phone shows each
 * payment's receipt "Verified" (checked in the page with WebCrypto against the published
 * key set), opens it with its place in the books, and shows it as a QR anyone can scan
 * and check; the check still works with no network once the key set was fetched; a
 * receipt whose signature was changed reads "Not verified" in red; and the register's
 * verdict shows the receipt's approval number, verified, for a sale by code and for one
 * the phone confirmed (heard live).
 */
describeIf("receipts in the web apps, checked in the browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let books: BooksClient;
  let shopper: Shopper;
  let phoneContext: BrowserContext;
  let phone: Page;
  let paid: Payment;

  beforeAll(async () => {
    ({ database, server } = await startWebServer({
      env: {
        // The sealer runs often, so a receipt is in the books within the test's patience.
        BOOKS_SEAL_MS: "200",
      },
    }));
    mkdirSync(SCREENSHOTS, { recursive: true });
    books = new BooksClient(server.url);
    browser = await launchChromium();
    shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url, "JPY", "Corner Cafe");
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    paid = await register.redeemCode(code, { amount: 1280, currency: "JPY" }, "receipts-sale-1");
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  const shot = (on: Page, name: string) => on.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  async function phonePage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
    return page;
  }

  async function signIn(page: Page) {
    await page.goto(`${server.url}/app/#/phone`);
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
  }

  const entry = (page: Page) => page.getByRole("listitem").filter({ hasText: "Corner Cafe" });
  const sealOf = (page: Page) => entry(page).getByTestId("receipt-seal");

  it("gives the receipt with the redeem's answer, and the phone shows it Verified in History, opens it with its place in the books, and as a QR anyone can check", async () => {
    expect(paid.status).toBe("APPROVED");
    const receipt = parseReceipt(paid.receipt!.json);
    expect(receipt.body).toMatchObject({ kind: "payment.approved", amount: 1280, currency: "JPY", storeName: "Corner Cafe", approvalNumber: paid.approvalNumber });

    phoneContext = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    phone = await phonePage(phoneContext);
    await signIn(phone);
    await openSection(phone, "History");
    await sealOf(phone).filter({ hasText: "Verified" }).waitFor();
    expect(await sealOf(phone).getAttribute("data-seal")).toBe("verified");
    expect(await sealOf(phone).evaluate(textColor)).toBe(GREEN);
    await shot(phone, "phone-history-receipt");

    await entry(phone).getByRole("button", { name: "Receipt" }).click();
    const sheet = phone.getByRole("dialog", { name: "Receipt" });
    await sheet.getByTestId("receipt-seal").filter({ hasText: "Verified" }).waitFor();
    expect(await sheet.getByTestId("receipt-kind").textContent()).toBe("Payment approved");
    expect(await sheet.getByTestId("receipt-amount").textContent()).toMatch(/[¥￥]1,280/);
    expect(await sheet.getByTestId("receipt-approval-number").textContent()).toBe(paid.approvalNumber);

    // Its place as the books give it to anyone, checked here in Node the same way.
    const keys = await books.keySet();
    expect(await eventually(async () => (await books.checkReceipt(receipt, keys)).inBooks === true, 15_000)).toBe(true);
    const { leafIndex } = await books.checkReceipt(receipt, keys);
    await sheet.getByTestId("books-place").filter({ hasText: `In the books at #${leafIndex} ` }).waitFor();

    await sheet.getByRole("button", { name: "Show as a QR" }).click();
    const qr = sheet.getByRole("img", { name: "Receipt QR" });
    await qr.waitFor();
    await shot(phone, "phone-receipt");
    const scanned = readQr(await qr.screenshot());
    expect(scanned?.data).toBe(paid.receipt!.json);
    // A receipt of about 500 bytes: a QR of version 15 or so at error correction L (docs/books.md).
    expect(scanned!.version).toBeLessThanOrEqual(20);
    expect(await verifyReceipt(parseReceipt(scanned!.data), keys)).toBe(true);

    await phone.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });
  });

  it("still verifies the receipt with no network, from the key set kept when it was fetched", async () => {
    // The page has fetched the key set; now the network goes, and the receipt is opened again.
    await phoneContext.setOffline(true);
    try {
      await entry(phone).getByRole("button", { name: "Receipt" }).click();
      const sheet = phone.getByRole("dialog", { name: "Receipt" });
      await sheet.getByTestId("receipt-seal").filter({ hasText: "Verified" }).waitFor();
      await sheet.getByText("The books can be checked when the phone is online.").waitFor();
      await shot(phone, "phone-receipt-offline");
      await phone.keyboard.press("Escape");
      await sheet.waitFor({ state: "detached" });
    } finally {
      await phoneContext.setOffline(false);
    }

    // The same device with the key set out of reach: the kept one still checks the receipt...
    const keptKeys = await phonePage(phoneContext);
    await keptKeys.route(KEYS_URL, (route) => route.abort("internetdisconnected"));
    await keptKeys.goto(`${server.url}/app/#/phone`);
    await openSection(keptKeys, "History");
    await sealOf(keptKeys).filter({ hasText: "Verified" }).waitFor();
    await keptKeys.close();

    // ...where a device that never fetched it cannot say either way.
    const fresh = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    try {
      const page = await phonePage(fresh);
      await page.route(KEYS_URL, (route) => route.abort("internetdisconnected"));
      await signIn(page);
      await openSection(page, "History");
      await sealOf(page).filter({ hasText: "Not checked" }).waitFor();
      expect(await sealOf(page).getAttribute("data-seal")).toBe("unchecked");
    } finally {
      await fresh.close();
    }
  });

  it("shows a receipt whose signature was changed on its way as Not verified, in red, and not matching the books; one under a key the device has not seen, offline, as Not checked", async () => {
    const page = await phonePage(phoneContext);
    // The history's answer comes through, with the receipt's signature changed by one character.
    await changeReceipts(page, tampered);
    await page.goto(`${server.url}/app/#/phone`);
    await openSection(page, "History");
    await sealOf(page).filter({ hasText: "Not verified" }).waitFor();
    expect(await sealOf(page).getAttribute("data-seal")).toBe("not-verified");
    expect(await sealOf(page).evaluate(textColor)).toBe(RED);
    await entry(page).getByRole("button", { name: "Receipt" }).click();
    const sheet = page.getByRole("dialog", { name: "Receipt" });
    await sheet.getByTestId("receipt-seal").filter({ hasText: "Not verified" }).waitFor();
    await sheet.getByTestId("books-place").filter({ hasText: "Does not match the center's books" }).waitFor();
    await shot(page, "phone-receipt-not-verified");
    await page.close();

    // Under a key id the kept set lacks, with the set out of reach: not a forgery it can prove, so Not checked.
    const unknownKey = await phonePage(phoneContext);
    await changeReceipts(unknownKey, underAnotherKey);
    await unknownKey.route(KEYS_URL, (route) => route.abort("internetdisconnected"));
    await unknownKey.goto(`${server.url}/app/#/phone`);
    await openSection(unknownKey, "History");
    await sealOf(unknownKey).filter({ hasText: "Not checked" }).waitFor();
    await unknownKey.unroute(KEYS_URL);
    // Online, the center's own set has no such key: that is Not verified.
    await unknownKey.reload();
    await openSection(unknownKey, "History");
    await sealOf(unknownKey).filter({ hasText: "Not verified" }).waitFor();
    await unknownKey.close();
  });

  it("shows the receipt's approval number, verified, on the register's verdict: with the redeem's answer and with the live event after the phone confirms", async () => {
    const { apiKey } = await newRegister(server.url, "JPY", "Corner Deli");
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => process.stdout.write(`[register error] ${e.message}\n`));
      await page.goto(`${server.url}/app/#/register`);
      await page.getByLabel("The store's register API key").fill(apiKey);
      await page.getByRole("button", { name: "Open the register" }).click();

      const buyer = await newShopper(server.url);
      const sell = async (amount: number) => {
        const { code } = await buyer.phone.issuePaymentCode(buyer.card.id, PASSWORD, null, "none");
        await page.getByLabel("Amount (JPY)").fill(String(amount));
        await page.getByLabel("Or type the customer's code").fill(code);
        await page.getByRole("button", { name: "Use this code" }).click();
      };
      const verdictReceipt = async (amount: number) => {
        const line = page.getByTestId("verdict").getByTestId("receipt-line");
        await line.getByTestId("receipt-seal").filter({ hasText: "Verified" }).waitFor();
        const [payment] = (await buyer.phone.payments(1)).nodes;
        expect(payment).toMatchObject({ amount, status: "APPROVED" });
        expect(await line.getByTestId("receipt-approval-number").textContent()).toBe(payment.approvalNumber);
        expect(await page.getByTestId("approval-number").textContent()).toBe(payment.approvalNumber);
      };

      await sell(640);
      await verdictReceipt(640);
      await shot(page, "register-receipt-verified");

      // Above the customer's limit the phone confirms: the register hears the approval live, receipt and all.
      await buyer.phone.setConfirmAbove(1000);
      await page.getByRole("button", { name: "Next sale" }).click();
      await sell(4200);
      await page.getByText("Waiting for the customer to confirm on their phone…").waitFor();
      const [request] = await buyer.phone.pendingConfirmations();
      await buyer.phone.respondToConfirmation(request.id, true, PASSWORD);
      await verdictReceipt(4200);
    } finally {
      await context.close();
    }
  });
});
