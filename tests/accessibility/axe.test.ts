import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newRegister, newShopper, randomPhone, type Shopper } from "../support/world";
import { launchChromium, missingTools, videoOfPicture } from "../browser/chromium";
import { openSection } from "../browser/phone-sections";
import { blankPicture } from "../browser/pictures";
import { startWebServer, stopWebServer, type SmsGateway } from "../browser/web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the accessibility check needs Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };
/** What a screen must not have: axe's two highest impacts (a person is blocked or badly hindered). */
const BLOCKING = new Set(["serious", "critical"]);

/**
 * Every screen of the three web apps, with data in it, checked with axe-core in
 * Chromium: the phone at 390x844, the register and the gate at 800x700. A screen
 * with a serious or critical violation fails the test, which names the screen, the
 * rule and the element.
 */
describeIf("every screen passes axe's accessibility check (no serious or critical violation)", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sms: SmsGateway;
  let work: string;
  let browser: Browser;
  let cameraBrowser: Browser;
  let admin: AdminClient;
  let shopper: Shopper;
  let shop: PartnerClient;
  let gateKey: string;
  let ticketCode: string;
  let billCode: string;
  /** Per screen: its serious and critical violations, and axe's rules it breaks and passes at any impact. */
  const checked: Record<string, string> = {};

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({ sms: true }));
    work = mkdtempSync(join(tmpdir(), "wallet-center-axe-"));
    admin = new AdminClient(server.url, ADMIN_TOKEN);
    browser = await launchChromium();
    // The gate's camera sees a white page: the scanning screen as it waits for a visitor.
    blankPicture(join(work, "blank.png"));
    videoOfPicture(join(work, "blank.png"), join(work, "blank.y4m"));
    cameraBrowser = await launchChromium({ camera: join(work, "blank.y4m") });

    // A customer with something on every tab: a card, a payment, a bill, a ticket, a membership, a message.
    shopper = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    const paid = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    await register.redeemCode(paid.code, { amount: 900, currency: "JPY" }, "axe-sale-1");
    const partner = await admin.createPartner("Shibuya Utilities & Tickets");
    shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const program = await admin.createProgram({ name: "Corner Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    await shopper.phone.joinProgram(program.id);
    await shop.sendMessage(program.id, "Double points this week", "Every purchase earns twice the points until Sunday.");
    const bill = await shop.postBill({
      customerPhone: shopper.phoneNumber,
      reference: "WATER-2026-11",
      amount: 4200,
      currency: "JPY",
      dueDate: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      description: "Water, November",
    });
    billCode = (await shopper.phone.issueBillCode(bill.id, PASSWORD, "none")).code;
    const now = Date.now();
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
    });
    await shop.createEvent({ title: "Autumn Jazz", venue: "Nippon Budokan", doorsOpenAt: new Date(now + 86_400_000).toISOString(), startsAt: new Date(now + 90_000_000).toISOString() });
    const ticket = await shop.postTicket({ eventId: event.id, issueNumber: "BDK-0001", holderPhone: shopper.phoneNumber, seat: "A-12" });
    ticketCode = (await shopper.phone.issueTicketCode(ticket.id, PASSWORD, "none")).code;
  });

  afterAll(async () => {
    await browser?.close();
    await cameraBrowser?.close();
    await stopWebServer({ server, sms, database });
    if (work) rmSync(work, { recursive: true, force: true });
    const screens = Object.entries(checked);
    if (screens.length > 0) process.stdout.write(`[axe] ${screens.map(([screen, n]) => `${screen}: ${n}`).join("\n")}\n`);
  });

  /** axe's serious and critical violations on the page as it is now, one line each: screen, rule, element. */
  async function violations(page: Page, screen: string): Promise<string[]> {
    const results = await new AxeBuilder({ page }).analyze();
    const found = results.violations
      .filter((v) => BLOCKING.has(v.impact ?? ""))
      .flatMap((v) => v.nodes.map((node) => `${screen}: ${v.id} (${v.impact}) at ${node.target.join(" ")}: ${v.help}`));
    checked[screen] = `${found.length} (rules broken at any impact: ${results.violations.map((v) => `${v.id}/${v.impact}`).join(",") || "none"}; passed: ${results.passes.length}; left to a person: ${results.incomplete.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} ${n.any.map((c) => c.message).join(" ")}`).join(" | ")}`).join(", ") || "none"})`;
    return found;
  }

  /**
   * The gate's verdict fills the screen for 1.5 s only, less than axe may take: a copy of
   * it (the same elements and classes, so the same styles) stays in its place to be read.
   */
  async function holdVerdict(page: Page, result: "ADMITTED" | "DENIED") {
    await page.locator(`[data-testid=verdict][data-result=${result}]`).evaluate((shown) => {
      const node = shown as unknown as { cloneNode(deep: boolean): { dataset: Record<string, string> }; after(copy: unknown): void };
      const copy = node.cloneNode(true);
      copy.dataset.testid = "held-verdict";
      node.after(copy);
    }, undefined, { timeout: 15_000 });
    await page.getByTestId("held-verdict").waitFor();
  }

  /** Where the keyboard's focus is: in the dialog, outside the page (the browser's own controls), or the text of what it is on. */
  const focusIn = (page: Page) =>
    page.evaluate(() => {
      type Focused = { closest(s: string): unknown; textContent: string };
      const { document } = globalThis as unknown as { document: { activeElement: Focused | null; body: Focused } };
      const focused = document.activeElement;
      return !focused || focused === document.body ? "the browser" : focused.closest("[role=dialog]") ? "dialog" : focused.textContent;
    });

  /**
   * An open dialog (aria-modal) keeps the keyboard: Tab goes round its controls and, past
   * the last, out to the browser as a native modal dialog does, never to the screen behind.
   */
  async function keyboardStaysIn(page: Page) {
    const stops: string[] = [];
    for (let press = 0; press < 6; press++) {
      await page.keyboard.press("Tab");
      stops.push(await focusIn(page));
    }
    expect(stops.filter((stop) => stop !== "dialog" && stop !== "the browser")).toEqual([]);
    expect(stops.filter((stop) => stop === "dialog").length).toBeGreaterThanOrEqual(3);
  }

  const tab = (page: Page, name: string) => openSection(page, name);

  it("finds what it must: a field with no label, a button with no name, grey on grey", async () => {
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").waitFor();
    await page.evaluate(() => {
      type Element = { id: string; textContent: string; style: Record<string, string>; append(...children: Element[]): void };
      const { document } = globalThis as unknown as { document: { body: Element; createElement(tag: string): Element } };
      const [bare, empty, grey] = ["input", "button", "p"].map((tag) => document.createElement(tag));
      [bare.id, empty.id, grey.id] = ["axe-bare", "axe-empty", "axe-grey"];
      // Colours set through the CSSOM: the page's content security policy refuses inline style attributes.
      grey.textContent = "Faint words";
      Object.assign(grey.style, { color: "#999", background: "#aaa" });
      document.body.append(bare, empty, grey);
    });
    const found = await violations(page, "a screen broken on purpose");
    await context.close();
    expect(found.filter((line) => /^a screen broken on purpose: (label|button-name|color-contrast) \((serious|critical)\) at #axe-(bare|empty|grey):/.test(line))).toHaveLength(3);
  });

  it("the phone: sign-in, sign-up, and every tab after signing in", async () => {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const found: string[] = [];
    await page.goto(`${server.url}/app/#/phone`);
    await page.getByLabel("Phone number").waitFor();
    found.push(...(await violations(page, "phone sign-in")));

    await page.getByRole("button", { name: "New here? Create a wallet" }).click();
    await page.getByRole("button", { name: "Send me a code" }).waitFor();
    found.push(...(await violations(page, "phone sign-up")));
    const number = randomPhone();
    await page.getByLabel("Phone number").fill(number);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByLabel("The code from the SMS").waitFor();
    expect(await eventually(() => sms.codeSentTo(number) !== null)).toBe(true);
    found.push(...(await violations(page, "phone sign-up code")));

    // The customer with data in every tab signs in on a fresh page.
    await page.goto(`${server.url}/app/#/phone`);
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
    found.push(...(await violations(page, "phone pay")));

    await tab(page, "Cards");
    await page.getByText(shopper.card.last4).first().waitFor();
    found.push(...(await violations(page, "phone cards")));
    await page.getByRole("button", { name: "Add a card" }).click();
    await page.getByRole("heading", { name: "Add a card" }).waitFor();
    found.push(...(await violations(page, "phone add a card")));
    await tab(page, "History");
    await page.getByText("¥900").first().waitFor();
    await page.getByTestId("receipt-seal").filter({ hasText: "Verified" }).first().waitFor();
    found.push(...(await violations(page, "phone history")));
    await page.getByRole("button", { name: "Receipt" }).first().click();
    const receipt = page.getByRole("dialog", { name: "Receipt" });
    await receipt.getByRole("button", { name: "Show as a QR" }).click();
    await receipt.getByRole("img", { name: "Receipt QR" }).waitFor();
    await receipt.getByTestId("receipt-seal").filter({ hasText: "Verified" }).waitFor();
    found.push(...(await violations(page, "phone receipt")));
    await keyboardStaysIn(page);
    await page.keyboard.press("Escape");
    await receipt.waitFor({ state: "detached" });
    await tab(page, "Members");
    await page.getByRole("button", { name: "Show member code" }).click();
    await page.getByRole("img", { name: "Corner Points member code QR" }).waitFor();
    found.push(...(await violations(page, "phone members")));
    await tab(page, "Bills");
    await page.getByRole("button", { name: "Show bill code" }).first().click();
    await page.getByRole("img", { name: /Bill code QR/ }).waitFor();
    found.push(...(await violations(page, "phone bills")));
    await tab(page, "Tickets");
    const item = page.getByRole("listitem").filter({ hasText: "seat A-12" });
    await item.getByRole("button", { name: "Show ticket code" }).click();
    await item.getByRole("img", { name: "Ticket QR for Winter Live" }).waitFor();
    found.push(...(await violations(page, "phone tickets")));
    await tab(page, "Inbox");
    await page.getByText("Double points this week").click();
    await page.getByText("Every purchase earns twice the points until Sunday.").waitFor();
    found.push(...(await violations(page, "phone inbox")));
    await tab(page, "Settings");
    await page.locator("main").getByRole("heading").first().waitFor();
    found.push(...(await violations(page, "phone settings")));

    // A store asks for more than the customer lets through without a look: the sheet comes up over the tab.
    await shopper.phone.setConfirmAbove(1000);
    const { register } = await newRegister(server.url, "JPY", "Corner Store Daikanyama");
    const asked = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    const pending = await register.redeemCode(asked.code, { amount: 5000, currency: "JPY" }, "axe-sale-2");
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    await page.getByRole("dialog", { name: "Confirm this payment?" }).waitFor({ timeout: 15_000 });
    found.push(...(await violations(page, "phone confirmation sheet")));
    await keyboardStaysIn(page);
    await page.getByRole("button", { name: "Not now" }).click();
    await context.close();
    expect(found).toEqual([]);
  });

  it("the register: key form, sale, verdict, refund dialog, bill collection, member lookup, Today, Search and Payouts", async () => {
    const { apiKey } = await newRegister(server.url, "JPY", "Corner Store Ebisu");
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT });
    const page = await context.newPage();
    const found: string[] = [];
    await page.goto(`${server.url}/app/#/register`);
    await page.getByLabel("The store's register API key").waitFor();
    found.push(...(await violations(page, "register key form")));
    await page.getByLabel("The store's register API key").fill(apiKey);
    await page.getByRole("button", { name: "Open the register" }).click();
    await page.getByLabel("Amount (JPY)").waitFor();
    found.push(...(await violations(page, "register sale")));

    const buyer = await newShopper(server.url);
    const { code } = await buyer.phone.issuePaymentCode(buyer.card.id, PASSWORD, null, "none");
    await page.getByLabel("Amount (JPY)").fill("1200");
    await page.getByLabel("Or type the customer's code").fill(code);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByText("Approved", { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByTestId("receipt-seal").filter({ hasText: "Verified" }).waitFor();
    found.push(...(await violations(page, "register verdict")));
    await page.getByRole("button", { name: "Refund…" }).click();
    await page.getByRole("dialog", { name: "Refund this payment?" }).waitFor();
    found.push(...(await violations(page, "register refund dialog")));
    await keyboardStaysIn(page);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await focusIn(page)).toBe("Refund…"); // back where the cashier was
    await page.getByRole("button", { name: "Next sale" }).click();

    await tab(page, "Bill");
    await page.getByLabel("Or type the bill's code").fill(billCode);
    await page.getByRole("button", { name: "Use this code" }).click();
    await page.getByRole("button", { name: "Cash received" }).waitFor();
    found.push(...(await violations(page, "register bill collection")));
    await page.getByRole("button", { name: "Cash received" }).click();
    await page.getByTestId("verdict").filter({ hasText: "Paid in cash" }).waitFor();
    found.push(...(await violations(page, "register bill verdict")));
    await page.getByRole("button", { name: "Next bill" }).click();

    await tab(page, "Member");
    await page.getByLabel("The member's phone number").fill("+819000000000");
    await page.getByRole("button", { name: "Find the member" }).click();
    await page.getByText(/^No member found/).waitFor();
    found.push(...(await violations(page, "register member lookup")));

    await tab(page, "Today");
    await page.getByRole("list", { name: "Payments today" }).getByTestId("payment-status").first().waitFor();
    found.push(...(await violations(page, "register today")));

    await tab(page, "Search");
    await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-results").waitFor();
    found.push(...(await violations(page, "register search")));
    await tab(page, "Payouts");
    await page.getByTestId("payouts").waitFor();
    found.push(...(await violations(page, "register payouts")));
    await context.close();
    expect(found).toEqual([]);
  });

  it("the gate: sign-in, event list, scanning and verdict", async () => {
    const context = await cameraBrowser.newContext({ viewport: TERMINAL_VIEWPORT });
    const page = await context.newPage();
    const found: string[] = [];
    await page.goto(`${server.url}/app/#/gate`);
    await page.getByLabel("The gate's API key").waitFor();
    found.push(...(await violations(page, "gate sign-in")));
    await page.getByLabel("The gate's API key").fill(gateKey);
    await page.getByRole("button", { name: "Show the events" }).click();
    await page.getByRole("group", { name: "Event" }).waitFor();
    found.push(...(await violations(page, "gate event list")));
    await page.getByRole("radio", { name: /Winter Live/ }).check();
    await page.getByLabel("Gate name").fill("East 1");
    await page.getByRole("button", { name: "Open the gate" }).click();
    await page.getByTestId("admitted-count").filter({ hasText: "Admitted: 0" }).waitFor();
    found.push(...(await violations(page, "gate scanning")));

    await page.getByText("The camera cannot read it? Type the code").click();
    await page.getByLabel("Or type the ticket's code").fill(ticketCode);
    await page.getByRole("button", { name: "Use this code" }).click();
    await holdVerdict(page, "ADMITTED");
    found.push(...(await violations(page, "gate verdict, admitted")));
    await page.getByTestId("held-verdict").evaluate((held) => (held as unknown as { remove(): void }).remove());
    await page.getByLabel("Or type the ticket's code").fill(ticketCode);
    await page.getByRole("button", { name: "Use this code" }).click();
    await holdVerdict(page, "DENIED");
    found.push(...(await violations(page, "gate verdict, denied")));
    await context.close();
    expect(found).toEqual([]);
  });
  it("the first page of each screen in Japanese, its language switch and lang attributes", async () => {
    const context = await browser.newContext({ viewport: TERMINAL_VIEWPORT, locale: "ja-JP" });
    const page = await context.newPage();
    const found: string[] = [];
    for (const [screen, heading] of [["", "wallet-center"], ["phone", "ウォレットにサインイン"], ["register", "レジのサインイン"], ["gate", "ゲートのサインイン"]]) {
      await page.goto(`${server.url}/app/#/${screen}`);
      await page.getByRole("heading", { name: heading }).waitFor();
      expect(await page.evaluate("document.documentElement.lang")).toBe("ja");
      await page.getByRole("group", { name: "Language / 言語" }).waitFor();
      found.push(...(await violations(page, `${screen || "chooser"} in Japanese`)));
    }
    await context.close();
    expect(found).toEqual([]);
  });
});
