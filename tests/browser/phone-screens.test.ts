import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { PhoneClient } from "../../clients/phone";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { PASSWORD, newRegister, newShopper, type Shopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { openSection } from "./phone-sections";
import { startWebServer, stopWebServer, type SmsGateway } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the phone's screens need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
/** Two codes an hour per number: the third ask is refused, and the page says how long to wait. */
const CODES_PER_PHONE_PER_HOUR = 2;

/** Every section of the phone, the bottom-bar tab or inner tab that opens it, and the heading it shows. */
const SECTIONS: Array<{ open: string; heading: string; empty?: string }> = [
  { open: "Pay", heading: "Pay" },
  { open: "Cards", heading: "Cards" },
  { open: "History", heading: "History", empty: "No payments yet." },
  { open: "Bills", heading: "Bills", empty: "No bills yet." },
  { open: "Inbox", heading: "Inbox", empty: "No messages yet." },
  { open: "Tickets", heading: "Tickets", empty: "No tickets yet." },
  { open: "Members", heading: "Memberships", empty: "No memberships yet." },
  { open: "Settings", heading: "Settings" },
];

/**
 * Records the page's Screen Wake Lock requests and releases in window.wakeLockCalls, as
 * the real API would be asked (headless Chromium grants none by itself). Runs in the page.
 */
const STUB_WAKE_LOCK = `
  const calls = [];
  window.wakeLockCalls = calls;
  Object.defineProperty(navigator, "wakeLock", {
    configurable: true,
    value: {
      request: async (type) => {
        calls.push("request " + type);
        const sentinel = {
          released: false,
          type,
          onrelease: null,
          addEventListener() {},
          removeEventListener() {},
          release: async () => {
            if (sentinel.released) return;
            sentinel.released = true;
            calls.push("release");
          },
        };
        return sentinel;
      },
    },
  });
`;

/**
 * The phone page at 390x844 as its customer uses it: five tabs at the bottom that reach
 * every section, the payment code at once with the card's last four digits and the screen
 * kept awake only while it shows, when to confirm set in words, a number typed as people
 * write it with a country, the password rule shown first, a code sent again within the
 * server's limits, empty lists that say so and every payment status in words.
 */
describeIf("the phone's screens at 390x844", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sms: SmsGateway;
  let browser: Browser;
  let page: Page;
  let shopper: Shopper;

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({
      sms: true,
      env: {
        RATE_SIGN_UP_CODES_PER_PHONE_PER_HOUR: String(CODES_PER_PHONE_PER_HOUR),
      },
    }));
    mkdirSync(SCREENSHOTS, { recursive: true });
    shopper = await newShopper(server.url);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    await context.addInitScript({ content: STUB_WAKE_LOCK });
    page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && process.stdout.write(`[phone console] ${m.text()}\n`));
    page.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, sms, database });
  });

  const shot = (on: Page, name: string) => on.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const wakeLockCalls = async () => (await page.evaluate("window.wakeLockCalls")) as string[];

  it("shows the payment code at once after sign-in, with the card's last four digits, and keeps the screen awake only while it shows", async () => {
    await page.goto(`${server.url}/app/#/phone`);
    await page.getByLabel("Phone number").fill(shopper.phoneNumber);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
    const [card] = await shopper.phone.cards();
    expect(await page.getByTestId("pay-card").textContent()).toContain(`•••• ${card.last4}`);
    expect(await page.getByRole("button", { name: /Show a .*payment code/ }).count()).toBe(0);
    expect(await eventually(async () => (await wakeLockCalls()).includes("request screen"))).toBe(true);
    expect(await wakeLockCalls()).toEqual(["request screen"]);
    await shot(page, "phone-screens-pay");

    await page.getByRole("button", { name: "Hide the code" }).click();
    expect(await eventually(async () => (await wakeLockCalls()).at(-1) === "release")).toBe(true);
    expect(await page.getByTestId("pay-card").textContent()).toContain(`•••• ${card.last4}`);

    await page.getByRole("button", { name: "Show a new payment code" }).click();
    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
    expect(await eventually(async () => (await wakeLockCalls()).length === 3)).toBe(true);
    await openSection(page, "Cards");
    expect(await eventually(async () => (await wakeLockCalls()).join() === "request screen,release,request screen,release")).toBe(true);
  });

  it("has at most five tabs in one bar at the bottom, every section within two taps, and every empty list says so", async () => {
    const bar = page.getByRole("navigation", { name: "Wallet sections" });
    const tabs = bar.getByRole("button");
    expect(await tabs.count()).toBeLessThanOrEqual(5);
    const box = (await bar.boundingBox())!;
    expect(Math.round(box.y + box.height)).toBeGreaterThanOrEqual(PHONE_VIEWPORT.height - 2);
    expect(box.width).toBeGreaterThanOrEqual(PHONE_VIEWPORT.width - 2);
    for (const section of SECTIONS) {
      await openSection(page, section.open);
      await page.getByRole("heading", { name: section.heading, exact: true }).waitFor();
      if (section.empty) await page.getByText(section.empty, { exact: true }).waitFor();
      // The bar stays on one line: every tab shows its whole name at 390 px.
      for (const name of await tabs.allTextContents()) {
        const tab = (await bar.getByRole("button", { name, exact: true }).boundingBox())!;
        expect(tab.height).toBeLessThan(80);
      }
      await shot(page, `phone-screens-section-${section.open.toLowerCase()}`);
    }
  });

  it("sets when the phone asks to confirm from Settings, in words, and the server keeps it", async () => {
    await openSection(page, "Settings");
    await page.getByTestId("confirm-above").filter({ hasText: "without asking" }).waitFor();
    await page.getByLabel("Only above an amount").check();
    await page.getByLabel("Ask above this amount").fill("3000");
    await page.getByRole("button", { name: "Save when to ask" }).click();
    await page.getByTestId("confirm-above").filter({ hasText: "Payments above 3,000 wait for you" }).waitFor();
    expect((await shopper.phone.me()).confirmAbove).toBe(3000);
    await shot(page, "phone-screens-settings-confirm");

    await page.getByLabel("Always, for every payment").check();
    await page.getByRole("button", { name: "Save when to ask" }).click();
    await page.getByTestId("confirm-above").filter({ hasText: "Every payment waits for you" }).waitFor();
    expect((await shopper.phone.me()).confirmAbove).toBe(0);

    await page.getByLabel("Never").check();
    await page.getByRole("button", { name: "Save when to ask" }).click();
    await page.getByTestId("confirm-above").filter({ hasText: "without asking" }).waitFor();
    expect((await shopper.phone.me()).confirmAbove).toBeNull();
  });

  it("says every payment status in words: a partly refunded payment reads so in History", async () => {
    const { register } = await newRegister(server.url, "JPY", "Corner Cafe");
    const [card] = await shopper.phone.cards();
    const paid = await register.requestPayment(shopper.phoneNumber, card.selector, { amount: 1000, currency: "JPY" }, "phone-screens-partly");
    // A store's request waits for the phone's OK, as the customer gives it.
    await page.getByRole("dialog", { name: "Confirm this payment?" }).getByRole("button", { name: "Approve" }).click();
    expect(await eventually(async () => (await register.payment(paid.id))?.status === "APPROVED")).toBe(true);
    await register.refundPayment(paid.id, "phone-screens-partly-refund", 400);
    await openSection(page, "Pay");
    await openSection(page, "History");
    const row = page.getByRole("listitem").filter({ hasText: "Corner Cafe" });
    await row.getByText("Partly refunded", { exact: true }).waitFor();
    await shot(page, "phone-screens-history");
  });

  it("signs up with 090-1234-5678 in Japan as +819012345678, shows the password rule first, and sends the code again within the server's limit", async () => {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    try {
      const signUp = await context.newPage();
      await signUp.clock.install();
      await signUp.goto(`${server.url}/app/#/phone`);
      await signUp.getByRole("button", { name: "New here? Create a wallet" }).click();
      await signUp.getByLabel("Country").selectOption("JP");
      await signUp.getByText("As you dial it at home, for example 090-1234-5678.").waitFor();
      await signUp.getByLabel("Phone number").fill("090-1234-5678");
      await signUp.getByRole("button", { name: "Send me a code" }).click();
      await signUp.getByLabel("The code from the SMS").waitFor();
      const number = "+819012345678";
      expect(await eventually(() => sms.countSentTo(number) === 1)).toBe(true);
      expect(await signUp.getByTestId("sign-up-number").textContent()).toBe("+81 90 1234 5678");

      // The rule is there before anything is typed, so nobody learns it from a failure.
      const rule = signUp.getByTestId("password-rule");
      expect(await rule.textContent()).toContain("At least 8 characters");
      expect(await signUp.getByLabel("Choose a password").inputValue()).toBe("");

      const again = signUp.getByRole("button", { name: "Send the code again" });
      expect(await again.isDisabled()).toBe(true);
      await signUp.getByText(/You can ask again in \d+ seconds/).waitFor();
      await shot(signUp, "phone-screens-sign-up-code");
      await signUp.clock.fastForward(31_000);
      expect(await eventually(async () => !(await again.isDisabled()))).toBe(true);
      await again.click();
      expect(await eventually(() => sms.countSentTo(number) === 2)).toBe(true);
      // The page starts a new wait once the server has answered: only then does time move on.
      await signUp.getByText(/You can ask again in \d+ seconds/).waitFor();

      await signUp.clock.fastForward(31_000);
      expect(await eventually(async () => !(await again.isDisabled()))).toBe(true);
      await again.click();
      const refused = signUp.getByRole("alert");
      await refused.filter({ hasText: /Too many attempts\. Try again in (\d+ minutes?|an hour)\./ }).waitFor();
      expect(await refused.textContent()).not.toMatch(/[A-Z]{2,}_[A-Z]/);
      expect(sms.countSentTo(number)).toBe(2);
      await shot(signUp, "phone-screens-sign-up-wait");

      await signUp.getByLabel("The code from the SMS").fill(sms.codeSentTo(number)!);
      await signUp.getByLabel("Your name").fill("Haru Sato");
      await signUp.getByLabel("Choose a password").fill(PASSWORD);
      await signUp.getByRole("button", { name: "Create my wallet" }).click();
      await signUp.getByText("No card is available for payments").waitFor();
      const client = new PhoneClient(server.url);
      await client.login(number, PASSWORD);
      expect((await client.me()).phone).toBe(number);
    } finally {
      await context.close();
    }
  });
});
