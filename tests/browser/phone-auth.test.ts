import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PhoneClient } from "../../clients/phone";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, TEST_CARDS, newRegister, newShopper, randomPhone } from "../support/world";
import { openSection } from "./phone-sections";
import { launchChromium, missingTools } from "./chromium";
import { startWebServer, stopWebServer, type SmsGateway } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the phone's sign-in and approval tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
/** Long enough to approve on a loaded machine, short enough to watch one expire. */
const CONFIRMATION_TTL_SECONDS = 15;

/**
 * A new customer on the phone page at 390x844, as a person would: signs up, sets up the
 * screen lock (Chromium's virtual authenticator, a platform one with user verification),
 * adds a card through the server's checks, approves a payment the register asks for with
 * the authenticator, watches another one run out of time, and is led back to sign-in
 * when support ends every session of the customer.
 */
describeIf("the phone: a new customer's cards, approvals that ask who holds the phone, expiry and ended sessions", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sms: SmsGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  /** The page is served at localhost: WebAuthn's relying party id is a domain, never an IP address. */
  let base: string;
  const number = randomPhone();
  const customer = { id: "", client: null as unknown as PhoneClient };

  beforeAll(async () => {
    ({ database, server, sms } = await startWebServer({
      sms: true,
      env: {
        CONFIRMATION_TTL_SECONDS: String(CONFIRMATION_TTL_SECONDS),
        CONFIRMATION_SWEEP_MS: "200",
      },
    }));
    base = server.url.replace("127.0.0.1", "localhost");
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && process.stdout.write(`[phone console] ${m.text()}\n`));
    page.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
    cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    ({ authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, sms, database });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const tab = (name: string) => openSection(page, name);
  const formTitled = (title: string) => page.locator("form", { has: page.getByRole("heading", { name: title }) });
  const signCount = async () => {
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    return credentials.map((c) => c.signCount);
  };

  it("signs up and sets up the screen lock with the virtual authenticator", async () => {
    await page.goto(`${base}/app/#/phone`);
    await page.getByRole("button", { name: "New here? Create a wallet" }).click();
    await page.getByLabel("Phone number").fill(number);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByLabel("The code from the SMS").waitFor();
    expect(await eventually(() => sms.codeSentTo(number) !== null)).toBe(true);
    await page.getByLabel("The code from the SMS").fill(sms.codeSentTo(number)!);
    await page.getByLabel("Your name").fill("Aoi Tanaka");
    await page.getByLabel("Choose a password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create my wallet" }).click();

    const setup = formTitled("Approve payments with your screen lock");
    await setup.waitFor();
    await shot("phone-auth-setup");
    await setup.getByLabel("Your password").fill(PASSWORD);
    await setup.getByRole("button", { name: "Use my screen lock" }).click();
    await page.getByRole("status").filter({ hasText: "payments are approved with this phone's fingerprint, face or screen lock" }).waitFor();

    customer.client = new PhoneClient(server.url);
    customer.id = (await customer.client.login(number, PASSWORD)).customer.id;
    expect(await customer.client.userVerificationMethods()).toEqual({ passkeys: 1, pin: false, pinTriesLeft: 0 });
    expect(await signCount()).toHaveLength(1);
  });

  it("adds a card: the server's refusals in plain words, then the card in the wallet, switched on with the password", async () => {
    await tab("Cards");
    await page.getByText("No cards yet. Add the card you want to pay with.").waitFor();
    await page.getByRole("button", { name: "Add a card" }).click();
    const form = formTitled("Add a card");
    const year = new Date().getFullYear();
    await form.getByLabel("Card number").fill("4242 4242 4242 4241");
    await form.getByLabel("Month").selectOption("12");
    await form.getByLabel("Year").selectOption(String(year + 2));
    await form.getByLabel("Name on the card").fill("AOI TANAKA");
    await form.getByLabel("Bank or card company").fill("Test Bank");
    await form.getByRole("button", { name: "Add the card" }).click();
    const problem = form.getByRole("alert");
    await problem.filter({ hasText: "That card number is not right. Check the digits on the front of the card." }).waitFor();
    expect(await form.getByLabel("Card number").getAttribute("aria-invalid")).toBe("true");
    expect(await problem.textContent()).not.toMatch(/BAD_USER_INPUT|\(/);
    await shot("phone-auth-card-refused");

    await form.getByLabel("Card number").fill("4242 4242 4242 4242");
    if (new Date().getMonth() > 0) {
      // January of this year has passed unless this is January.
      await form.getByLabel("Month").selectOption("1");
      await form.getByLabel("Year").selectOption(String(year));
      await form.getByRole("button", { name: "Add the card" }).click();
      await problem.filter({ hasText: "This card has expired." }).waitFor();
      await form.getByLabel("Month").selectOption("12");
      await form.getByLabel("Year").selectOption(String(year + 2));
    }
    await form.getByRole("button", { name: "Add the card" }).click();
    await page.getByRole("status").filter({ hasText: "VISA •••• 4242 is in your wallet. Turn it on to pay with it." }).waitFor();

    await page.getByRole("button", { name: "Add a card" }).click();
    await form.getByLabel("Card number").fill("4242424242424242");
    await form.getByLabel("Month").selectOption("12");
    await form.getByLabel("Year").selectOption(String(year + 2));
    await form.getByLabel("Name on the card").fill("AOI TANAKA");
    await form.getByLabel("Bank or card company").fill("Test Bank");
    await form.getByRole("button", { name: "Add the card" }).click();
    await problem.filter({ hasText: "This card is already in your wallet." }).waitFor();
    await form.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("switch", { name: "Use VISA ending 4242 for payments" }).click();
    await page.getByLabel("Your password").fill(PASSWORD);
    await page.getByRole("button", { name: "Confirm" }).click();
    await eventually(async () => (await page.getByRole("switch", { name: "Use VISA ending 4242 for payments" }).getAttribute("aria-checked")) === "true");
    await shot("phone-auth-cards");
    expect((await customer.client.cards()).map((c) => [c.last4, c.status])).toEqual([["4242", "AVAILABLE"]]);
  });

  it("removes a card after asking, saying what happens to its codes and history", async () => {
    const extra = await customer.client.addCard({
      pan: TEST_CARDS.mastercard,
      expiryMonth: 6,
      expiryYear: new Date().getFullYear() + 3,
      holderName: "AOI TANAKA",
      kind: "DEBIT",
      institution: "Test Bank",
    });
    await tab("History");
    await tab("Cards");
    await page.getByRole("button", { name: "Remove MASTERCARD ending 4444" }).click();
    const ask = page.getByRole("alertdialog", { name: "Remove MASTERCARD •••• 4444?" });
    await ask.getByText("Codes shown for this card stop working. Payments already made with it stay in History.").waitFor();
    await shot("phone-auth-remove-card");
    await ask.getByRole("button", { name: "Remove the card" }).click();
    await page.getByRole("status").filter({ hasText: "MASTERCARD •••• 4444 was removed." }).waitFor();
    expect((await customer.client.cards()).map((c) => c.id)).not.toContain(extra.id);
  });

  it("approves a payment the register asks for with the virtual authenticator; the sheet counts down and does not focus Approve", async () => {
    const { register } = await newRegister(server.url);
    const [visa] = await customer.client.cards();
    const before = (await signCount())[0];
    const asked = await register.requestPayment(number, visa.selector, { amount: 4800, currency: "JPY" }, "phone-auth-approve");
    expect(asked.status).toBe("PENDING_CONFIRMATION");
    const sheet = page.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.waitFor();
    const countdown = sheet.getByTestId("confirmation-countdown");
    expect(await countdown.textContent()).toMatch(/^0:(0\d|1[0-5])$/);
    expect(await page.evaluate("document.activeElement && document.activeElement.textContent")).not.toBe("Approve");
    await shot("phone-auth-confirm");
    await sheet.getByRole("button", { name: "Approve" }).click();
    await sheet.waitFor({ state: "detached" });
    expect(await eventually(async () => (await register.payment(asked.id))?.status === "APPROVED")).toBe(true);
    // The authenticator signed once more: the approval went through it.
    expect((await signCount())[0]).toBeGreaterThan(before);
  });

  it("closes a confirmation left unanswered at its expiry, with one sentence saying so", async () => {
    const { register } = await newRegister(server.url, "JPY", "Night Market");
    const [visa] = await customer.client.cards();
    const asked = await register.requestPayment(number, visa.selector, { amount: 1200, currency: "JPY" }, "phone-auth-expire");
    const sheet = page.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.waitFor();
    const notice = page.getByRole("status").filter({ hasText: "Not confirmed in time" });
    await notice.waitFor({ timeout: (CONFIRMATION_TTL_SECONDS + 10) * 1000 });
    expect(await sheet.count()).toBe(0);
    expect(await notice.textContent()).toContain("did not go through");
    await shot("phone-auth-expired");
    expect(await eventually(async () => (await register.payment(asked.id))?.status === "EXPIRED")).toBe(true);
    await notice.getByRole("button", { name: "OK" }).click();
  });

  it("always has a way out: Escape closes the sheet without an answer", async () => {
    const { register } = await newRegister(server.url, "JPY", "Corner Cafe");
    const [visa] = await customer.client.cards();
    await register.requestPayment(number, visa.selector, { amount: 600, currency: "JPY" }, "phone-auth-escape");
    const sheet = page.getByRole("dialog", { name: "Confirm this payment?" });
    await sheet.waitFor();
    // The sheet takes the focus as it opens (never Approve); a customer's Escape comes after.
    await page.waitForFunction(`document.activeElement !== null && document.activeElement.closest("[role=dialog]") !== null`);
    await page.keyboard.press("Escape");
    await page.getByRole("status").filter({ hasText: "Closed without an answer" }).waitFor();
    expect(await sheet.count()).toBe(0);
  });

  it("shows a payment code only after the authenticator confirms, while the customer has no confirmAbove", async () => {
    await tab("Pay");
    const before = (await signCount())[0];
    await page.getByRole("button", { name: "Show a payment code" }).click();
    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
    expect((await signCount())[0]).toBeGreaterThan(before);
    await page.getByRole("button", { name: "Hide the code" }).click();
  });

  it("falls back to a payment PIN on a phone without an authenticator, and approves with it", async () => {
    const shopper = await newShopper(server.url);
    const plain = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    try {
      const other = await plain.newPage();
      await other.goto(`${base}/app/#/phone`);
      await other.getByLabel("Phone number").fill(shopper.phoneNumber);
      await other.getByLabel("Password").fill(PASSWORD);
      await other.getByRole("button", { name: "Sign in" }).click();
      const setup = other.locator("form", { has: other.getByRole("heading", { name: "Choose a payment PIN" }) });
      await setup.waitFor();
      await setup.getByLabel("Payment PIN (4 to 8 digits)").fill("4826");
      await setup.getByLabel("Your password").fill(PASSWORD);
      await setup.getByRole("button", { name: "Set the PIN" }).click();
      await other.getByRole("status").filter({ hasText: "payments are approved with your payment PIN" }).waitFor();
      expect(await shopper.phone.userVerificationMethods()).toEqual({ passkeys: 0, pin: true, pinTriesLeft: 5 });

      const { register } = await newRegister(server.url, "JPY", "Book Shop");
      const asked = await register.requestPayment(shopper.phoneNumber, shopper.card.selector, { amount: 2500, currency: "JPY" }, "phone-auth-pin");
      const sheet = other.getByRole("dialog", { name: "Confirm this payment?" });
      await sheet.getByRole("button", { name: "Approve" }).click();
      const pin = other.getByRole("dialog", { name: "Your payment PIN" });
      await pin.getByLabel("Payment PIN").fill("1111");
      await pin.getByRole("button", { name: "Confirm" }).click();
      await sheet.getByRole("alert").filter({ hasText: "PIN is wrong" }).waitFor();
      expect((await register.payment(asked.id))?.status).toBe("PENDING_CONFIRMATION");
      await sheet.getByRole("button", { name: "Approve" }).click();
      await pin.getByLabel("Payment PIN").fill("4826");
      await other.screenshot({ path: join(SCREENSHOTS, "phone-auth-pin.png") });
      await pin.getByRole("button", { name: "Confirm" }).click();
      await sheet.waitFor({ state: "detached" });
      expect(await eventually(async () => (await register.payment(asked.id))?.status === "APPROVED")).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it("leads back to sign-in with one sentence when support ends every session of the customer", async () => {
    await tab("Pay");
    await new AdminClient(server.url, ADMIN_TOKEN).endCustomerSessions(customer.id);
    const notice = page.getByRole("status").filter({ hasText: "You were signed out because this session ended" });
    await notice.waitFor();
    await page.getByRole("heading", { name: "Sign in to your wallet" }).waitFor();
    expect(await page.evaluate("localStorage.getItem('wallet-center.phone-session')")).toBeNull();
    await shot("phone-auth-session-ended");
  });
});
