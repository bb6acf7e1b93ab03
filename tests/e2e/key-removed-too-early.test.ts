import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { RegisterClient } from "../../clients/register";
import { MAIN, freePort } from "../../scripts/server-process";
import { CardEntity } from "../../src/entities";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, TEST_CARDS, errorCodeOf, newRegister, newShopper } from "../support/world";

/**
 * What a server says and does when a previous key was removed while data still needs
 * it: it names what it cannot read and the key id (never a key), refuses cleanly (no
 * 500), and everything comes back when the key does.
 */

type Env = Record<string, string>;
const newKey = () => randomBytes(32).toString("hex");
const idOf = (hex: string) => createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex").slice(0, 12);
const sale = { amount: 700, currency: "JPY" };
const sameCard = { pan: TEST_CARDS.visa, expiryMonth: 12, expiryYear: 2031, holderName: "HANAKO", kind: "CREDIT" as const, institution: "Test Card Co." };

/** Log lines (JSON) whose message contains `text`. */
const linesAbout = (server: TestServer, text: string) =>
  server.logs.lines.filter((line) => line.includes(text)).map((line) => JSON.parse(line) as Record<string, unknown>);

describe.each(engines)("a previous key removed too early (%s)", (engine) => {
  let database: TestDatabase;
  let server: TestServer | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let checks = 0;
  const check = <T>(value: T) => {
    checks++;
    return expect(value);
  };
  const start = async (env: Env) => {
    await server?.close();
    server = await startTestServer(engine, { database, env });
    return server;
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await server?.close();
    await receiver.close();
    await database.drop();
    process.stdout.write(`[key-removed-too-early ${engine}] ${checks} checks held\n`);
  });

  it("says what it cannot read, refuses cleanly, and reads it all again once the keys are back", async () => {
    const before = { CARD_KEY: newKey(), CODE_HASH_KEY: newKey(), CARD_FINGERPRINT_KEY: newKey(), WEBHOOK_SECRET_KEY: newKey() };
    await start(before);
    const shopper = await newShopper(server!.url);
    const { apiKey } = await newRegister(server!.url);
    const admin = new AdminClient(server!.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Early Power", receiver.url);
    const partnerKey = (await admin.issueApiKey("PARTNER", partner.id)).key;
    const dueDate = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const post = (url: string, reference: string) =>
      new PartnerClient(url, partnerKey).postBill({ customerPhone: shopper.phoneNumber, reference, amount: 900, currency: "JPY", dueDate });
    const oldPaymentCode = (await shopper.phone.issuePaymentCode(shopper.card.id, PASSWORD)).code;
    const oldBillCode = (await shopper.phone.issueBillCode((await post(server!.url, "EARLY-1")).id, PASSWORD)).code;

    // Every key rotated, and every previous one left out.
    const rotated = { CARD_KEY: newKey(), CODE_HASH_KEY: newKey(), CARD_FINGERPRINT_KEY: newKey(), WEBHOOK_SECRET_KEY: newKey() };
    await start(rotated);
    const phone = new PhoneClient(server!.url, shopper.phone.token!);
    const register = new RegisterClient(server!.url, apiKey);

    // The start names each key id data needs and the variables that would hold it.
    const [codes] = linesAbout(server!, "live codes were made under a code-hash key that is not configured");
    check(codes).toMatchObject({ level: 50, keyId: idOf(before.CODE_HASH_KEY), liveCodes: 2 });
    check(String(codes.configure)).toContain("CODE_HASH_KEYS_PREVIOUS");
    const [cards] = linesAbout(server!, "card numbers are sealed under a card key that is not configured");
    check(cards).toMatchObject({ level: 50, keyId: idOf(before.CARD_KEY), cards: 1 });
    check(String(cards.configure)).toContain("CARD_KEYS_PREVIOUS");
    const [secrets] = linesAbout(server!, "webhook secrets are sealed under a webhook-secret key that is not configured");
    check(secrets).toMatchObject({ level: 50, keyId: idOf(before.WEBHOOK_SECRET_KEY), partners: 1 });
    check(String(secrets.configure)).toContain("WEBHOOK_SECRET_KEYS_PREVIOUS");

    // Clean refusals with the contract's codes, never an internal error.
    check(await errorCodeOf(register.redeemCode(oldPaymentCode, sale, "early-1"))).toBe("CODE_INVALID");
    check(await errorCodeOf(register.collectBill(oldBillCode, "CASH", "early-2"))).toBe("CODE_INVALID");
    check(await errorCodeOf(phone.issuePaymentCode(shopper.card.id, PASSWORD))).toBe("CARD_NOT_AVAILABLE");
    const [unreadableCard] = linesAbout(server!, "card number sealed under a card key that is not configured");
    check(unreadableCard).toMatchObject({ cardId: shopper.card.id, keyId: idOf(before.CARD_KEY) });

    // A bill is still collected in cash; its webhook waits, since the secret cannot be read.
    const bill = await post(server!.url, "EARLY-2");
    check((await register.collectBill((await phone.issueBillCode(bill.id, PASSWORD)).code, "CASH", "early-3")).status).toBe("PAID");
    const unsealable = () => linesAbout(server!, "partner's webhook secret is sealed under a webhook-secret key that is not configured");
    check(await eventually(() => unsealable().length > 0)).toBe(true);
    const [waiting] = unsealable();
    check(waiting).toMatchObject({ partnerId: partner.id, keyId: idOf(before.WEBHOOK_SECRET_KEY) });
    check(receiver.attempts).toHaveLength(0);

    // No key in the log, in any form.
    const everyKey = [...Object.values(before), ...Object.values(rotated)];
    for (const key of everyKey) {
      for (const form of [key, Buffer.from(key, "hex").toString("base64"), Buffer.from(key, "hex").toString("base64url")]) {
        check(server!.logs.text.includes(form)).toBe(false);
      }
    }

    // The previous keys back: the old code pays, the old card pays, the webhook goes out signed with the partner's secret.
    await start({
      ...rotated,
      CARD_KEYS_PREVIOUS: before.CARD_KEY,
      CODE_HASH_KEYS_PREVIOUS: before.CODE_HASH_KEY,
      CARD_FINGERPRINT_KEYS_PREVIOUS: before.CARD_FINGERPRINT_KEY,
      WEBHOOK_SECRET_KEYS_PREVIOUS: before.WEBHOOK_SECRET_KEY,
    });
    check(linesAbout(server!, "not configured")).toEqual([]);
    const back = new RegisterClient(server!.url, apiKey);
    check((await back.redeemCode(oldPaymentCode, sale, "early-4")).status).toBe("APPROVED");
    check((await back.collectBill(oldBillCode, "CASH", "early-5")).status).toBe("PAID");
    const earlyTwo = () => receiver.delivered.find((h) => h.body.includes("EARLY-2"));
    check(await eventually(() => earlyTwo() !== undefined, 15_000)).toBe(true);
    const hook = earlyTwo()!;
    const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
    check(verifyWebhook(partner.webhookSecret!, headers, hook.body, Number(headers.timestamp))).toBe(true);
  });

  it("finds a card added again under an earlier fingerprint key; without that key, only the sweep's new fingerprints can", async () => {
    const cardKey = newKey();
    const f0 = newKey();
    const f1 = newKey();
    await start({ CARD_KEY: cardKey, CARD_FINGERPRINT_KEY: f0 });
    const pinned = await newShopper(server!.url, TEST_CARDS.visa);
    const swept = await newShopper(server!.url, TEST_CARDS.visa);
    // Keep the sweep off `pinned`: with its card key id unknown it cannot be fingerprinted
    // again, so only a lookup under the earlier fingerprint key can find its twin.
    const real = await server!.app.dataSource.manager.findOneByOrFail(CardEntity, { id: pinned.card.id });
    await server!.app.dataSource.manager.update(CardEntity, { id: pinned.card.id }, { panKeyId: "000000000000" });

    await start({ CARD_KEY: cardKey, CARD_FINGERPRINT_KEY: f1, CARD_FINGERPRINT_KEYS_PREVIOUS: f0 });
    check(await errorCodeOf(new PhoneClient(server!.url, pinned.phone.token!).addCard(sameCard))).toBe("BAD_USER_INPUT");

    // f0 removed too early: the pinned card's twin is no longer found (what the earlier key was for) ...
    await start({ CARD_KEY: cardKey, CARD_FINGERPRINT_KEY: f1 });
    const twin = await new PhoneClient(server!.url, pinned.phone.token!).addCard(sameCard);
    check(twin.last4).toBe("4242");
    // ... but a card the sweep could read was fingerprinted again from its number, so its twin is.
    await server!.app.services.keySweep.run();
    check((await server!.app.dataSource.manager.findOneByOrFail(CardEntity, { id: swept.card.id })).panFingerprintKeyId).toBe(idOf(f1));
    check(await errorCodeOf(new PhoneClient(server!.url, swept.phone.token!).addCard(sameCard))).toBe("BAD_USER_INPUT");

    // The pinned card readable again: its number is there twice now, which the sweep reports and leaves be.
    await server!.app.dataSource.manager.update(CardEntity, { id: pinned.card.id }, { panKeyId: real.panKeyId });
    check(await server!.app.services.keySweep.run()).toMatchObject({ cardsTwice: 1 });
    check(linesAbout(server!, "same card number twice")[0]).toMatchObject({ cardId: pinned.card.id, sameNumberAs: twin.id });
  });
});

describe("key variables refused at start", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-center-keys-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const good = newKey();

  it.each([
    ["CODE_HASH_KEY", { CODE_HASH_KEY: "0123456789abcdef" }, /CODE_HASH_KEY: must be 32 bytes/, "0123456789abcdef"],
    ["CARD_KEY", { CARD_KEY: "not-a-key-at-all" }, /CARD_KEY: must be 32 bytes/, "not-a-key-at-all"],
    ["WEBHOOK_SECRET_KEYS_PREVIOUS", { WEBHOOK_SECRET_KEYS_PREVIOUS: `${good},abc123` }, /WEBHOOK_SECRET_KEYS_PREVIOUS: entry 2 must be 32 bytes/, good],
    ["CARD_FINGERPRINT_KEY", { CARD_KEY: good, CARD_FINGERPRINT_KEY: good }, /CARD_FINGERPRINT_KEY: must differ from CARD_KEY/, good],
  ])("refuses a bad %s, naming it and not its value", async (_name, env, message, secret) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? "", PORT: String(await freePort()), HOST: "127.0.0.1", DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).not.toContain(secret);
  });
});
