import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the register's back-office tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

/**
 * The register's back-office tabs in Chromium against the real built server: a payment
 * found by its reference and by its status (searchPayments, page by page) and refunded
 * from the results, and the
 * store's payouts per day and card company with their total and the CSV download, in
 * English and in Japanese.
 */
describeIf("the register's search and payouts in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let admin: AdminClient;

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    browser = await launchChromium();
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  /** A Tokyo store with three sales (one voided) made through its register key. */
  async function storeWithSales(name: string) {
    const created = await admin.createStore(name, "JPY", undefined, { timeZone: "Asia/Tokyo" });
    const apiKey = (await admin.issueApiKey("REGISTER", created.id)).key;
    const register = new RegisterClient(server.url, apiKey);
    const shopper = await newShopper(server.url);
    const sell = async (amount: number, reference: string) =>
      register.redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none")).code, { amount, currency: "JPY", reference }, reference);
    await sell(1_200, "R-100");
    const voided = await sell(800, "R-101");
    await sell(3_000, "R-102");
    await register.voidPayment(voided.id, "void-101");
    return { apiKey };
  }

  async function signIn(apiKey: string, locale = "en-US"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 }, locale, acceptDownloads: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[register error] ${e.message}\n`));
    await page.goto(`${server.url}/app/#/register`);
    await page.locator("input[type=password]").fill(apiKey);
    await page.locator("form button[type=submit]").click();
    await page.getByTestId("store-name").waitFor();
    return page;
  }

  it("finds a payment by its reference and by its status, refunds one found, and shows what the center owes per day with the total and a CSV", async () => {
    const { apiKey } = await storeWithSales("Lawson Ebisu");
    const page = await signIn(apiKey);
    await page.getByRole("navigation").getByRole("button", { name: "Search", exact: true }).click();
    await page.getByLabel("Reference").fill("R-101");
    await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("search-results");
    await results.getByText("R-101").waitFor();
    expect(await results.getByTestId("payment-status").allTextContents()).toEqual(["Cancelled"]);

    await page.getByLabel("Reference").fill("");
    await page.getByLabel("Status").selectOption("APPROVED");
    await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
    await results.getByText("R-100").waitFor();
    expect(await results.locator("li").count()).toBe(2);
    await page.getByLabel("At least (JPY)").fill("5000");
    await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
    await page.getByText("No payment matches.").waitFor();

    // Last week's customer is back: the payment found is refunded from the results, asked first.
    await page.getByLabel("At least (JPY)").fill("");
    await page.getByLabel("Reference").fill("R-102");
    await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
    await results.getByRole("button", { name: /^Refund ¥3,000/ }).click();
    const ask = page.getByRole("dialog", { name: "Refund this payment?" });
    await ask.getByLabel(/Amount to refund/).fill("500");
    await ask.getByRole("button", { name: "Refund ¥500" }).click();
    await page.getByRole("status").filter({ hasText: "Refunded: ¥500 given back to the card." }).waitFor();
    expect(await results.getByTestId("payment-status").allTextContents()).toEqual(["Partly refunded"]);

    await page.getByRole("navigation").getByRole("button", { name: "Payouts", exact: true }).click();
    const table = page.getByTestId("payouts");
    await table.waitFor();
    // ¥1,200 + ¥800 + ¥3,000 approved, ¥800 voided, ¥500 refunded: ¥3,700 owed this week (one row a day and card company).
    expect(await page.getByTestId("payout-total").textContent()).toBe("¥3,700");
    expect(await table.locator("tbody tr").count()).toBeGreaterThanOrEqual(1);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^payouts-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const { readFile } = await import("node:fs/promises");
    const csv = await readFile((await file.path())!, "utf8");
    expect(csv.split("\n")[0]).toBe("date,institution,currency,sales,amountApproved,amountRefunded,amountVoided,net");
    const rows = csv.trim().split("\n").slice(1).map((line) => line.split(","));
    expect(rows.reduce((sum, row) => sum + Number(row[7]), 0)).toBe(3_700);
    expect(rows.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(3);
    await page.context().close();
  });

  it("speaks Japanese on a Japanese terminal", async () => {
    const { apiKey } = await storeWithSales("ローソン恵比寿");
    const page = await signIn(apiKey, "ja-JP");
    await page.getByRole("navigation").getByRole("button", { name: "検索", exact: true }).click();
    await page.getByRole("heading", { name: "支払いを探す" }).waitFor();
    await page.getByLabel("伝票番号").fill("R-102");
    await page.locator("form.search-form").getByRole("button", { name: "検索" }).click();
    await page.getByTestId("search-results").getByText("R-102").waitFor();
    await page.getByRole("navigation").getByRole("button", { name: "入金予定", exact: true }).click();
    await page.getByRole("columnheader", { name: "カード会社" }).waitFor();
    expect(await page.getByTestId("payout-total").textContent()).toMatch(/^[¥￥]4,200$/);
    await page.context().close();
  });
});
