import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { openPass, saveLinkClaims, walletCredentials } from "../support/wallet-passes";
import { PASSWORD, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
const PHONE_VIEWPORT = { width: 390, height: 844 };

/**
 * The phone page's Wallet buttons: "Add to Apple Wallet" downloads a signed pass of the
 * ticket, "Save to Google Wallet" opens Google's save page with the signed link (Google
 * is not reachable here: the browser's request is caught and its JWT checked); the same
 * buttons in Japanese.
 */
describeIf("Wallet buttons on the phone page", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let shopper: Shopper;
  const credentials = walletCredentials();

  beforeAll(async () => {
    ({ database, server } = await startWebServer({ env: credentials.env }));
    shopper = await newShopper(server.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  async function signedIn(locale: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, locale, acceptDownloads: true })).newPage();
    page.on("pageerror", (e) => process.stdout.write(`[wallet error] ${e.message}\n`));
    await page.goto(`${server.url}/app/#/phone`);
    return page;
  }

  it("downloads the ticket's signed pass, and opens Google's save page with the signed link", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const now = Date.now();
    const event = await shop.createEvent({ title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: new Date(now - 600_000).toISOString(), startsAt: new Date(now + 3_600_000).toISOString() });
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "WALLET-B1", holderPhone: shopper.phoneNumber, seat: "D-4" });

    const phone = await signedIn("en-US");
    await phone.getByLabel("Phone number").fill(shopper.phoneNumber);
    await phone.getByLabel("Password").fill(PASSWORD);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await openSection(phone, "Tickets");
    const item = phone.getByRole("listitem").filter({ hasText: "seat D-4" });

    const [download] = await Promise.all([phone.waitForEvent("download"), item.getByRole("button", { name: "Add to Apple Wallet" }).click()]);
    const { pass } = openPass(readFileSync((await download.path())!), credentials.apple.wwdr);
    expect(pass).toMatchObject({ description: "Winter Live", eventTicket: { auxiliaryFields: expect.arrayContaining([{ key: "seat", label: "SEAT", value: "D-4" }]) } });
    expect(pass.barcodes[0].message).toMatch(/^T3:/);

    let saveUrl = "";
    await phone.route("https://pay.google.com/**", (route) => {
      saveUrl = route.request().url();
      return route.fulfill({ status: 200, contentType: "text/html", body: "<title>Google Wallet</title><p>saved</p>" });
    });
    await item.getByRole("button", { name: "Save to Google Wallet" }).click();
    await phone.waitForURL(/pay\.google\.com/);
    const claims = await saveLinkClaims(saveUrl, credentials.googlePublicKey);
    expect(claims.payload.eventTicketObjects[0]).toMatchObject({ state: "ACTIVE", barcode: { type: "QR_CODE" } });
    expect(claims.payload.eventTicketClasses[0]).toMatchObject({ id: expect.stringContaining(`event-${ticket.event.id}`) });
  });

  it("names the buttons in Japanese on a phone set to Japanese", async () => {
    const phone = await signedIn("ja-JP");
    await phone.getByLabel("電話番号").fill(shopper.phoneNumber);
    await phone.getByLabel("パスワード").fill(PASSWORD);
    await phone.getByRole("button", { name: "サインイン" }).click();
    await phone.getByRole("navigation", { name: "ウォレットのセクション" }).getByRole("button", { name: "パス", exact: true }).click();
    await phone.getByRole("navigation", { name: "パスのセクション" }).getByRole("button", { name: "チケット", exact: true }).click();
    await phone.getByRole("button", { name: "Apple Wallet に追加" }).first().waitFor();
    await expect(phone.getByRole("button", { name: "Apple Wallet に追加" }).first().isVisible()).resolves.toBe(true);
    await expect(phone.getByRole("button", { name: "Google ウォレットに保存" }).first().isVisible()).resolves.toBe(true);
  });
});
