import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { RegisterClient } from "../../clients/register";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper, randomPhone, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the counter's screens need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const TERMINAL_VIEWPORT = { width: 800, height: 700 };
const PHONE_VIEWPORT = { width: 390, height: 844 };

/**
 * The counter's screens in Chromium against the built server: the register finds a
 * member by phone number or by the customer number on a receipt and adds the points a
 * purchase earns; the phone sets its daily limits in Settings and enters a renewed card's
 * expiry in Cards.
 */
describeIf("the counter's screens in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let admin: AdminClient;

  beforeAll(async () => {
    ({ database, server } = await startWebServer({ env: { DAILY_MAX_AMOUNT: "50000" } }));
    browser = await launchChromium();
    admin = new AdminClient(server.url, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[page error] ${e.message}\n`));
    return page;
  }

  async function phonePage(shopper: Shopper): Promise<Page> {
    const page = await newPage(PHONE_VIEWPORT);
    await page.goto(`${server.url}/app/#/phone`);
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Wallet sections" }).waitFor();
    return page;
  }

  it("finds a member at the register by phone and by customer number, and adds the points earned", async () => {
    const partner = await admin.createPartner("Sunshine Mart HQ");
    const program = await admin.createProgram({ name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("Sunshine Mart Ebisu", "JPY", program.id, { timeZone: "Asia/Tokyo" });
    const apiKey = (await admin.issueApiKey("REGISTER", store.id)).key;
    const shopper = await newShopper(server.url);
    await shopper.phone.joinProgram(program.id);
    const paid = await new RegisterClient(server.url, apiKey).redeemCode((await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code, { amount: 800, currency: "JPY" }, "ctr-1");

    // The member turns the consent on in the phone's Members section.
    const phone = await phonePage(shopper);
    await openSection(phone, "Members");
    await phone.getByLabel(/Let this program's stores find me/).check();
    expect(await eventually(async () => (await shopper.phone.memberships())[0].lookupAllowed)).toBe(true);
    expect(await phone.getByLabel(/Let this program's stores find me/).isChecked()).toBe(true);

    const page = await newPage(TERMINAL_VIEWPORT);
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").fill(apiKey);
    await page.getByRole("button", { name: "Open the register" }).click();
    await page.getByRole("heading", { name: "Sale" }).waitFor();
    await page.getByRole("button", { name: "Member", exact: true }).click();

    await page.getByLabel("The member's phone number").fill(randomPhone());
    await page.getByRole("button", { name: "Find the member" }).click();
    await page.getByText("No member found. Ask the customer to show their member code in the app.").waitFor();

    await page.getByLabel("The member's phone number").fill(shopper.phoneNumber);
    await page.getByRole("button", { name: "Find the member" }).click();
    await page.getByTestId("member-points").filter({ hasText: "0 points" }).waitFor();
    await page.getByLabel("Purchase (JPY)").fill("12345");
    await page.getByRole("button", { name: "Add the points earned" }).click();
    await page.getByTestId("points-earned").filter({ hasText: "123 points added." }).waitFor();
    await page.getByTestId("member-points").filter({ hasText: "123 points" }).waitFor();

    await page.getByLabel("Customer number on a receipt").check();
    await page.getByLabel("Customer number (10 digits)").fill(paid.customerNumber!);
    await page.getByRole("button", { name: "Find the member" }).click();
    await page.getByTestId("member-found").filter({ hasText: "Sunshine Points" }).waitFor();
    await page.getByTestId("member-points").filter({ hasText: "123 points" }).waitFor();
    expect((await shopper.phone.memberships())[0].points).toBe(123);
    await page.context().close();
    await phone.context().close();
  });

  it("sets the daily limits for payment codes in Settings, within the service's", async () => {
    const shopper = await newShopper(server.url);
    const page = await phonePage(shopper);
    await openSection(page, "Settings");
    await page.getByTestId("daily-limits").filter({ hasText: "At most 50,000 a day (the service's limit)" }).waitFor();
    await page.getByLabel(/^Most a day/).fill("1000");
    await page.getByLabel(/^Payments a day/).fill("2");
    await page.getByLabel("Password, to save the daily limits").fill(PASSWORD);
    await page.getByRole("button", { name: "Save the daily limits" }).click();
    await page.getByTestId("daily-limits").filter({ hasText: "At most 1,000 a day. At most 2 payments a day." }).waitFor();
    expect(await shopper.phone.dailyLimits()).toMatchObject({ maxAmount: 1000, maxCount: 2, spentToday: 0 });

    await page.getByLabel(/^Most a day/).fill("60000");
    await page.getByLabel("Password, to save the daily limits").fill(PASSWORD);
    await page.getByRole("button", { name: "Save the daily limits" }).click();
    // The field knows the service's limit: the form is not sent above it.
    expect(await page.getByLabel(/^Most a day/).evaluate((input) => (input as unknown as { validity: { rangeOverflow: boolean } }).validity.rangeOverflow)).toBe(true);
    await page.getByTestId("daily-limits").filter({ hasText: "At most 1,000 a day." }).waitFor();
    expect((await shopper.phone.dailyLimits()).maxAmount).toBe(1000);
    await page.context().close();
  });

  it("shows a card past its expiry as expired in Cards, and takes the renewed card's expiry", async () => {
    const shopper = await newShopper(server.url);
    // A card whose printed expiry has passed: the server takes no such card, so the test ages it in the database.
    const db = new Database(join(database.dataDir, "wallet.sqlite"), { fileMustExist: true });
    try {
      db.prepare("UPDATE cards SET expiryMonth = 1, expiryYear = 2021 WHERE id = ?").run(shopper.card.id);
    } finally {
      db.close();
    }
    const label = `${shopper.card.brand} ending ${shopper.card.last4}`;
    const page = await phonePage(shopper);
    await openSection(page, "Cards");
    await page.getByTestId("card-expired").waitFor();
    expect(await page.getByRole("switch", { name: `Use ${label} for payments` }).count()).toBe(0);
    await page.getByRole("button", { name: `Enter the new expiry of ${label}` }).click();
    const year = String(new Date().getFullYear() + 2);
    await page.getByLabel("Month").selectOption("6");
    await page.getByLabel("Year").selectOption(year);
    await page.getByRole("button", { name: "Save the expiry" }).click();
    await page.getByText(`has its new expiry.`).waitFor();
    expect(await page.getByRole("switch", { name: `Use ${label} for payments` }).getAttribute("aria-checked")).toBe("true");
    expect((await shopper.phone.cards())[0]).toMatchObject({ expiryMonth: 6, expiryYear: Number(year), status: "AVAILABLE", expired: false });
    await page.context().close();
  });
});
