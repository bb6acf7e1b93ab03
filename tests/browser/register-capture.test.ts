import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the register's capture tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

/**
 * Authorize now, capture later at the register, as a cashier does it in Chromium against
 * the real built server: an "authorize only" sale ends authorized, with Capture (the
 * amount, at most the authorized) and Release; Today offers the same for an authorized
 * sale of earlier; in English and in Japanese.
 */
describeIf("capture later at the register, in a real browser", () => {
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

  async function registerKey(name: string) {
    const created = await admin.createStore(name, "JPY", undefined, { timeZone: "Asia/Tokyo" });
    return (await admin.issueApiKey("REGISTER", created.id)).key;
  }

  async function registerPage(locale = "en-US"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 800, height: 900 }, locale });
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[register error] ${e.message}\n`));
    return page;
  }

  async function signIn(page: Page, apiKey: string, words: { key: string | RegExp; open: string | RegExp } = { key: "The store's register API key", open: "Open the register" }) {
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel(words.key).fill(apiKey);
    await page.getByRole("button", { name: words.open }).click();
  }

  async function authorize(
    page: Page,
    shopper: Shopper,
    amount: number,
    words: { amount: RegExp; only: RegExp; code: string | RegExp; use: string } = { amount: /^Amount \(/, only: /^Authorize only/, code: "Or type the customer's code", use: "Use this code" },
  ) {
    const { code } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    await page.getByLabel(words.amount).fill(String(amount));
    await page.getByLabel(words.only).check();
    await page.getByLabel(words.code).fill(code);
    await page.getByRole("button", { name: words.use }).click();
    await page.getByTestId("verdict").waitFor();
  }

  const latest = async (shopper: Shopper) => (await shopper.phone.payments(1)).nodes[0];

  it("authorizes only, then captures part of it from the verdict: the sale is the captured amount", async () => {
    const apiKey = await registerKey("Pump Station Shinagawa");
    const shopper = await newShopper(server.url);
    const page = await registerPage();
    await signIn(page, apiKey);
    await page.getByRole("heading", { name: "Sale" }).waitFor();
    await authorize(page, shopper, 10_000);
    await page.getByText("Authorized, not yet captured", { exact: true }).waitFor();
    expect(await latest(shopper)).toMatchObject({ status: "AUTHORIZED", amount: 10_000 });

    const panel = page.getByRole("form", { name: "Authorized sale" });
    await expect(panel.getByLabel(/Amount to capture/).inputValue()).resolves.toBe("10000");
    // The verdict with its capture and release passes axe (no serious or critical violation).
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await panel.getByLabel(/Amount to capture/).fill("10001");
    await panel.getByRole("button", { name: "Capture" }).click();
    await panel.getByRole("alert").filter({ hasText: "Enter a whole amount from ¥1 to ¥10,000." }).waitFor();
    expect((await latest(shopper)).status).toBe("AUTHORIZED");

    await panel.getByLabel(/Amount to capture/).fill("6480");
    await panel.getByRole("button", { name: "Capture ¥6,480" }).click();
    await page.getByText("Approved", { exact: true }).waitFor();
    await panel.waitFor({ state: "detached" });
    expect(await latest(shopper)).toMatchObject({ status: "APPROVED", amount: 6_480, authorizedAmount: 10_000 });
    await page.context().close();
  });

  it("releases from Today an authorization made earlier, and says so", async () => {
    const apiKey = await registerKey("Hotel Front Desk Ginza");
    const shopper = await newShopper(server.url);
    const page = await registerPage();
    await signIn(page, apiKey);
    await page.getByRole("heading", { name: "Sale" }).waitFor();
    await authorize(page, shopper, 30_000);
    await page.getByRole("button", { name: "Next sale" }).click();
    await page.getByRole("navigation").getByRole("button", { name: "Today", exact: true }).click();
    const list = page.getByRole("list", { name: "Payments today" });
    await list.getByTestId("payment-status").filter({ hasText: "Authorized, not yet captured" }).waitFor();
    await list.getByRole("button", { name: /^Capture or release ¥30,000/ }).click();
    await list.getByRole("button", { name: "Release" }).click();
    await page.getByRole("status").filter({ hasText: "Released: nothing was charged." }).waitFor();
    await eventually(async () => (await list.getByTestId("payment-status").allTextContents()).join() === "Authorization released");
    expect(await latest(shopper)).toMatchObject({ status: "RELEASED", amount: 30_000 });
    await page.context().close();
  });

  it("speaks Japanese: the authorize-only choice, capture and release", async () => {
    const apiKey = await registerKey("レンタカー品川");
    const shopper = await newShopper(server.url);
    const page = await registerPage("ja-JP");
    await signIn(page, apiKey, { key: /APIキー/, open: /レジを開く/ });
    await authorize(page, shopper, 5_000, { amount: /^金額/, only: /^与信のみ/, code: /お客様のコードを入力/, use: "このコードを使う" });
    await page.getByText("与信済み（未確定）", { exact: true }).waitFor();
    const panel = page.getByRole("form", { name: "与信済みの売上" });
    await panel.getByRole("button", { name: "与信を取り消す" }).waitFor();
    await panel.getByRole("button", { name: /^[¥￥]5,000で売上確定$/ }).click();
    await page.getByText("承認", { exact: true }).waitFor();
    expect(await latest(shopper)).toMatchObject({ status: "APPROVED", amount: 5_000 });
    await page.context().close();
  });
});
