import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, newShopper, type Shopper } from "../support/world";
import { openSection } from "./phone-sections";
import { launchChromium, missingTools, videoOfPicture } from "./chromium";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(__dirname, "..", "..", "docs", "screenshots") : join(tmpdir(), "wallet-center-screenshots");
const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };

/** The QR in a PNG, as a camera's reader decodes it: its text and its version (size). */
function readQr(png: string): { data: string; version: number } | null {
  const image = PNG.sync.read(readFileSync(png));
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return found && { data: found.data, version: found.version };
}

/**
 * The phone page's rotating ticket QR holds a compact T4 code: a QR of version 7 in
 * alphanumeric mode, which the gate page reads through its camera and admits.
 */
describeIf("compact ticket codes in a real browser", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let work: string;
  const browsers: Browser[] = [];
  let shopper: Shopper;
  let phone: Page;

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    work = mkdtempSync(join(tmpdir(), "wallet-center-ticket-codes-"));
    mkdirSync(SCREENSHOTS, { recursive: true });
    shopper = await newShopper(server.url);
    const phoneBrowser = await launchChromium();
    browsers.push(phoneBrowser);
    phone = await (await phoneBrowser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true })).newPage();
    phone.on("pageerror", (e) => process.stdout.write(`[phone error] ${e.message}\n`));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await stopWebServer({ server, database });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("shows a rotating T4 code as a version 7 QR on the phone, which the gate page reads through its camera and admits", async () => {
    const admin = new AdminClient(server.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Budokan Tickets");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    const event = await shop.createEvent({
      title: "Winter Live",
      venue: "Nippon Budokan",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
    });
    await shop.postTicket({ eventId: event.id, issueNumber: "BDK-0100", holderPhone: shopper.phoneNumber, seat: "C-7" });

    await phone.goto(`${server.url}/app/#/phone`);
    await phone.getByLabel("Phone number").fill(shopper.phoneNumber);
    await phone.getByLabel("Password").fill(PASSWORD);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await openSection(phone, "Tickets");
    const item = phone.getByRole("listitem").filter({ hasText: "seat C-7" });
    await item.getByRole("button", { name: "Show ticket code" }).click();
    const qr = item.getByRole("img", { name: "Ticket QR for Winter Live" });
    await qr.waitFor();
    const shownCode = async () => (await item.getByTestId("ticket-code").textContent())!.trim();
    await phone.screenshot({ path: join(SCREENSHOTS, "phone-ticket-compact.png") });

    // What a camera reads from the screen: the whole code, in a QR of version 7 (45x45 modules).
    // The code rotates: a picture counts when the same code shows before and after it.
    const picture = join(work, "ticket-qr.png");
    let code = "";
    let read: ReturnType<typeof readQr> = null;
    const pictured = async () => {
      code = await shownCode();
      await qr.screenshot({ path: picture });
      read = readQr(picture);
      return code === (await shownCode());
    };
    expect(await eventually(pictured, 60_000, 0)).toBe(true);
    expect(code).toMatch(/^T4:[0-9A-Z $%*+\-./:]+$/);
    expect(code.length).toBeLessThanOrEqual(200);
    expect(read!.data).toBe(code);
    expect(read!.version).toBeLessThanOrEqual(7);

    const video = join(work, "ticket-qr.y4m");
    videoOfPicture(picture, video);
    const gateBrowser = await launchChromium({ camera: video });
    browsers.push(gateBrowser);
    const gate = await (await gateBrowser.newContext({ viewport: TERMINAL_VIEWPORT })).newPage();
    gate.on("pageerror", (e) => process.stdout.write(`[gate error] ${e.message}\n`));
    await gate.goto(`${server.url}/app/#/gate`);
    await gate.getByLabel("The gate's API key").fill(gateKey);
    await gate.getByRole("button", { name: "Show the events" }).click();
    await gate.getByRole("radio", { name: /Winter Live/ }).check();
    await gate.getByLabel("Gate name").fill("North 1");
    await gate.getByRole("button", { name: "Open the gate" }).click();
    await gate.getByTestId("admitted-count").filter({ hasText: "Admitted: 0" }).waitFor();
    // The camera is on from the start: the code is decided as it shows.
    const verdict = gate.getByTestId("verdict");
    await verdict.filter({ hasText: "Admitted" }).waitFor();
    expect(await verdict.textContent()).toContain("Seat C-7");
    await gate.screenshot({ path: join(SCREENSHOTS, "gate-compact-admitted.png") });
    expect(await shop.attendance(event.id)).toMatchObject({ admitted: 1 });
  });
});
