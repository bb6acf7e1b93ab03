import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { RegisterClient } from "../../clients/register";
import type { ServerProcess } from "../../scripts/server-process";
import type { TestDatabase } from "../support/databases";
import { ADMIN_TOKEN } from "../support/server";
import { PASSWORD, TEST_CARDS, newShopper } from "../support/world";
import { launchChromium, missingTools } from "./chromium";
import { typeCode, type TypedEntryWords } from "./gate-page";
import { startWebServer, stopWebServer } from "./web-server";

const describeIf = missingTools ? describe.skip : describe;
if (missingTools) process.stdout.write(`[browser] the language tests need Chromium and ffmpeg: ${missingTools}: SKIPPED\n`);

const PHONE_VIEWPORT = { width: 390, height: 844 };
const TERMINAL_VIEWPORT = { width: 800, height: 700 };
/** The gate's typed entry in Japanese (gate.ja.ts, words.ja.ts). */
const GATE_TYPED_JA: TypedEntryWords = { summary: "カメラで読み取れませんか？コードを入力", field: "またはチケットのコードを入力", button: "このコードを使う" };

/**
 * Japanese and English in a real browser: each screen speaks Japanese to a browser whose
 * language is ja-JP, its EN / 日本語 switch turns it to English, and the choice stays on
 * the device across a reload, with `<html lang>` following it. Amounts are written by
 * Intl (¥ or the full-width ￥, as Intl gives it for ja-JP) and a decline reason reads in
 * Japanese words; so do the phone's receipt sheet, the gate's exit switch, verdicts
 * and seat, and a gate key the server refuses.
 */
describeIf("the web app in Japanese and English", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let admin: AdminClient;

  beforeAll(async () => {
    ({ database, server } = await startWebServer());
    browser = await launchChromium();
    admin = new AdminClient(server.url, ADMIN_TOKEN);
    mkdirSync(join(tmpdir(), "wallet-center-screenshots"), { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stopWebServer({ server, database });
  });

  /** A page of a fresh browser profile whose languages are Japanese first, as a phone set to Japanese has them. */
  async function japanesePage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: "ja-JP" });
    const page = await context.newPage();
    page.on("pageerror", (e) => process.stdout.write(`[languages error] ${e.message}\n`));
    return page;
  }

  const htmlLang = (page: Page) => page.evaluate("document.documentElement.lang");

  /** Presses English on the switch, reloads, and checks the page still speaks English (`afterReload`: the heading the reloaded page opens at). */
  async function switchToEnglishAndReload(page: Page, englishHeading: string, afterReload = englishHeading) {
    const switcher = page.getByRole("group", { name: "Language / 言語" });
    await expect(switcher.getByRole("button", { name: "日本語" }).getAttribute("aria-pressed")).resolves.toBe("true");
    await switcher.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: englishHeading }).waitFor();
    await expect(switcher.getByRole("button", { name: "English" }).getAttribute("aria-pressed")).resolves.toBe("true");
    expect(await htmlLang(page)).toBe("en");
    await page.reload();
    await page.getByRole("heading", { name: afterReload, exact: true }).waitFor();
    expect(await htmlLang(page)).toBe("en");
  }

  it("the register speaks Japanese to a ja-JP browser: the amount through Intl, a decline in Japanese words; English after the switch and a reload", async () => {
    const created = await admin.createStore("コンビニ渋谷", "JPY", undefined, { timeZone: "Asia/Tokyo" });
    const apiKey = (await admin.issueApiKey("REGISTER", created.id)).key;
    const declined = await newShopper(server.url, TEST_CARDS.declined);
    const page = await japanesePage(TERMINAL_VIEWPORT);

    await page.goto(`${server.url}/app/#/register`);
    await page.getByRole("heading", { name: "レジのサインイン" }).waitFor();
    expect(await htmlLang(page)).toBe("ja");
    await page.getByLabel("店舗のレジ用APIキー").fill(apiKey);
    await page.getByRole("button", { name: "レジを開く" }).click();
    await page.getByRole("heading", { name: "販売" }).waitFor();

    const { code } = await declined.phone.issuePaymentCode(declined.card.id, PASSWORD, null, "none");
    await page.getByLabel("金額（JPY）").fill("1200");
    await page.getByLabel("またはお客様のコードを入力").fill(code);
    await page.getByRole("button", { name: "このコードを使う" }).click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor();
    await verdict.getByText("カードが承認されませんでした", { exact: true }).waitFor();
    expect(await verdict.locator(".big-word").textContent()).toBe("拒否");
    expect(await verdict.locator(".amount").textContent()).toMatch(/^[¥￥]1,200$/);
    await expect(page.getByText("card_declined").count()).resolves.toBe(0);
    await verdict.getByRole("button", { name: "次の販売" }).click();

    await page.getByRole("button", { name: "サインアウト" }).click();
    await page.getByRole("heading", { name: "レジのサインイン" }).waitFor();
    await switchToEnglishAndReload(page, "Register sign-in");
    await page.getByLabel("The store's register API key").waitFor();
    await page.context().close();
  });

  it("the phone speaks Japanese to a ja-JP browser, its receipts too, and its Settings switch to English for good", async () => {
    const shopper = await newShopper(server.url);
    // A store of a points program the customer belongs to: the sale earns points, and the member is told.
    const partner = await admin.createPartner("サンシャイン本部");
    const program = await admin.createProgram({ name: "サンシャインポイント", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    const store = await admin.createStore("喫茶みなと", "JPY", program.id);
    const register = new RegisterClient(server.url, (await admin.issueApiKey("REGISTER", store.id)).key);
    await shopper.phone.joinProgram(program.id);
    const { code: paymentCode } = await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD, null, "none");
    const { code: memberCode } = await shopper.phone.issueMemberCode(program.id, PASSWORD);
    const paid = await register.redeemCode(paymentCode, { amount: 1280, currency: "JPY" }, "languages-receipt-sale", { memberCode });
    expect(paid.points).toMatchObject({ pointsEarned: 12 });
    const page = await japanesePage(PHONE_VIEWPORT);

    await page.goto(`${server.url}/app/#/phone`);
    await page.getByRole("heading", { name: "ウォレットにサインイン" }).waitFor();
    expect(await htmlLang(page)).toBe("ja");
    await page.getByLabel("電話番号").fill(shopper.phoneNumber);
    await page.getByLabel("パスワード").fill(PASSWORD);
    await page.getByRole("button", { name: "サインイン", exact: true }).click();
    await page.getByRole("heading", { name: "支払う" }).waitFor();
    await page.getByRole("img", { name: "支払いコードのQR" }).waitFor();

    // The receipt in History: its seal, and the sheet it opens, in Japanese words with the amount and time through Intl.
    await page.getByRole("navigation", { name: "ウォレットのセクション" }).getByRole("button", { name: "履歴", exact: true }).click();
    await page.getByRole("navigation", { name: "履歴のセクション" }).getByRole("button", { name: "支払い", exact: true }).click();
    const entry = page.getByRole("listitem").filter({ hasText: "喫茶みなと" });
    await entry.getByTestId("receipt-seal").filter({ hasText: "検証済み" }).waitFor();
    await entry.getByRole("button", { name: "レシート" }).click();
    const sheet = page.getByRole("dialog", { name: "レシート" });
    await sheet.getByTestId("receipt-seal").filter({ hasText: "検証済み" }).waitFor();
    expect(await sheet.getByTestId("receipt-kind").textContent()).toBe("支払い承認");
    expect(await sheet.getByTestId("receipt-amount").textContent()).toMatch(/^[¥￥]1,280$/);
    expect(await sheet.getByTestId("receipt-approval-number").textContent()).toBe(paid.approvalNumber);
    for (const term of ["内容", "金額", "店舗", "日時", "承認番号", "お客様番号"]) await sheet.getByRole("term").filter({ hasText: term }).waitFor();
    // A date as Intl writes it for ja-JP: 2026/03/12 19:02.
    await sheet.getByRole("definition").filter({ hasText: /^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}$/ }).waitFor();
    await sheet.getByText(/台帳/).first().waitFor();
    await sheet.getByRole("button", { name: "QRで表示" }).click();
    await sheet.getByRole("img", { name: "レシートのQR" }).waitFor();
    await sheet.getByRole("button", { name: "閉じる" }).click();
    await sheet.waitFor({ state: "detached" });

    // The points notice, worded in Japanese from its facts (the server keeps its English words for other clients).
    await page.getByRole("navigation", { name: "履歴のセクション" }).getByRole("button", { name: "お知らせ", exact: true }).click();
    const notice = page.getByRole("listitem").filter({ hasText: "サンシャインポイント：+12ポイント" });
    await notice.getByText("サンシャインポイント：+12ポイント").click();
    await notice.getByText("喫茶みなとで12ポイントを獲得しました。残高は12ポイントです。").waitFor();
    await page.screenshot({ path: join(tmpdir(), "wallet-center-screenshots", "phone-inbox-notice-ja.png") });
    await expect(page.getByText(/You earned/).count()).resolves.toBe(0);

    await page.getByRole("navigation", { name: "ウォレットのセクション" }).getByRole("button", { name: "設定", exact: true }).click();
    await page.getByRole("heading", { name: "設定" }).waitFor();
    await switchToEnglishAndReload(page, "Settings", "Pay");
    await page.getByRole("navigation", { name: "Wallet sections" }).getByRole("button", { name: "Pay", exact: true }).waitFor();
    await page.getByRole("img", { name: "Payment code QR" }).waitFor();
    await page.context().close();
  });

  it("the gate speaks Japanese to a ja-JP browser from its sign-in, and English after the switch and a reload", async () => {
    const partner = await admin.createPartner("幕張ライブ");
    const shop = new PartnerClient(server.url, (await admin.issueApiKey("PARTNER", partner.id)).key);
    const gateKey = (await admin.issueApiKey("GATE", partner.id)).key;
    const now = Date.now();
    const { id: eventId } = await shop.createEvent({
      title: "サマーソニック",
      venue: "幕張メッセ",
      doorsOpenAt: new Date(now - 600_000).toISOString(),
      startsAt: new Date(now + 3_600_000).toISOString(),
      allowReentry: true,
    });
    const fan = await newShopper(server.url);
    const ticket = await shop.postTicket({ eventId, issueNumber: "SS-1", holderPhone: fan.phoneNumber, seat: "アリーナ A-12" });
    const { code: ticketCode } = await fan.phone.issueTicketCode(ticket.id, PASSWORD, "none");
    const page = await japanesePage(TERMINAL_VIEWPORT);

    await page.goto(`${server.url}/app/#/gate`);
    await page.getByRole("heading", { name: "ゲートのサインイン" }).waitFor();
    expect(await htmlLang(page)).toBe("ja");
    // A key the server refuses reads in the gate's Japanese words, not the server's English.
    await page.getByLabel("ゲートのAPIキー").fill("not-a-gate-key");
    await page.getByRole("button", { name: "イベントを表示" }).click();
    await page.getByRole("alert").filter({ hasText: "このゲートのキーは使えません。有効なキーでサインインしてください。" }).waitFor();
    await page.getByLabel("ゲートのAPIキー").fill(gateKey);
    await page.getByRole("button", { name: "イベントを表示" }).click();
    await page.getByRole("group", { name: "イベント" }).getByText(/幕張メッセ · 開場 /).waitFor();
    await page.getByLabel("ゲート名").fill("北1");
    await page.getByRole("button", { name: "ゲートを開く" }).click();
    await page.getByRole("heading", { name: /ゲート 北1/ }).waitFor();
    await page.getByTestId("queued-scans").getByText("すべてのスキャンはサーバーに送信済みです。").waitFor();

    // The exit switch, the verdicts and the seat in Japanese: one never in is not let out; one admitted is, seat and all.
    const exitSwitch = page.getByLabel("退場モード：来場者を退場させる");
    await exitSwitch.check();
    const neverIn = await typeCode(page, ticketCode, GATE_TYPED_JA);
    expect(neverIn).toEqual({ result: "DENIED", text: expect.stringContaining("入場していません。退場させるものはありません") });
    expect(neverIn.text).toContain("入場不可");
    await exitSwitch.uncheck();
    const admitted = await typeCode(page, ticketCode, GATE_TYPED_JA);
    expect(admitted.result).toBe("ADMITTED");
    expect(admitted.text).toContain("入場OK");
    expect(admitted.text).toContain("座席 アリーナ A-12");
    await exitSwitch.check();
    const letOut = await typeCode(page, ticketCode, GATE_TYPED_JA);
    expect(letOut.result).toBe("EXITED");
    expect(letOut.text).toContain("退場");
    expect(letOut.text).toContain("座席 アリーナ A-12");
    await exitSwitch.uncheck();

    await page.getByRole("button", { name: "このゲートからサインアウト" }).click();
    await page.getByRole("heading", { name: "ゲートのサインイン" }).waitFor();
    await switchToEnglishAndReload(page, "Gate sign-in");
    await page.getByLabel("The gate's API key").waitFor();
    await page.context().close();
  });
});
