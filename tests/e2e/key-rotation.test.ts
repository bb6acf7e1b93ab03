import { createHash, createHmac, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { RegisterClient } from "../../clients/register";
import { CardEntity, PartnerEntity, StoreEntity, WalletCodeEntity } from "../../src/entities";
import { luhnCheckDigit } from "../../src/services/crypto/luhn";
import { verifyWebhook } from "../../src/services/delivery/webhooks";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver } from "../support/webhook-receiver";
import { PASSWORD, TEST_CARDS, errorCodeOf, newShopper } from "../support/world";

/**
 * Every key rotated, one at a time and all at once, on one database across restarts:
 * codes issued before each restart still redeem and collect, a partner's webhooks
 * verify with the secret it was given on day one, a card added again is refused, the
 * old card pays, and what is new is made under the new keys.
 */

type Env = Record<string, string>;
const newKey = () => randomBytes(32).toString("hex");
const idOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);
const derived = (cardKey: string, info: string) => Buffer.from(hkdfSync("sha256", Buffer.from(cardKey, "hex"), Buffer.alloc(0), info, 32));

/** The key ids the server should make new data under with this environment, worked out here independently. */
function expectedIds(env: Env) {
  const own = (name: string, info: string) => idOf(env[name] ? Buffer.from(env[name], "hex") : derived(env.CARD_KEY, info));
  return {
    card: idOf(Buffer.from(env.CARD_KEY, "hex")),
    code: own("CODE_HASH_KEY", "wallet-center code hash"),
    fingerprint: own("CARD_FINGERPRINT_KEY", "wallet-center pan fingerprint"),
    webhook: own("WEBHOOK_SECRET_KEY", "wallet-center webhook secret sealing"),
  };
}

/** The secret a partner was given before secrets were stored: derived from CARD_KEY. */
const derivedWebhookSecret = (cardKey: string, partnerId: string) =>
  "whsec_" + createHmac("sha256", derived(cardKey, "wallet-center webhook secrets")).update(partnerId).digest("base64url");

/** A Luhn-valid card number nobody else uses (the simulator approves it). */
const freshPan = () => {
  const body = "49" + Array.from({ length: 13 }, () => String(randomInt(10))).join("");
  return body + luhnCheckDigit(body);
};

const sale = { amount: 1200, currency: "JPY" };

describe.each(engines)("rotating keys on one database across restarts (%s)", (engine) => {
  let database: TestDatabase;
  let server: TestServer | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  // What outlives a restart: credentials and ids, not clients (the port changes).
  const world = {
    phoneToken: "",
    phoneNumber: "",
    cardId: "",
    pan: TEST_CARDS.visa,
    registerKey: "",
    store: { id: "", secret: "" },
    partners: [] as Array<{ name: string; id: string; key: string; secret: string }>,
  };
  /** What each stage leaves for the next one to use under rotated keys. */
  let carried: {
    paymentCode: string;
    billCodes: Array<{ partner: string; code: string; reference: string }>;
    redeemed: { code: string; key: string; paymentId: string };
  };
  let stageNumber = 0;
  let checks = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    receiver = await startWebhookReceiver();
    receiver.up();
  });
  afterAll(async () => {
    await server?.close();
    await receiver.close();
    await database.drop();
    process.stdout.write(`[key-rotation ${engine}] ${checks} checks held\n`);
  });

  const start = async (env: Env) => {
    await server?.close();
    server = await startTestServer(engine, { database, env });
    return server;
  };
  const clients = (url: string) => ({
    phone: new PhoneClient(url, world.phoneToken),
    register: new RegisterClient(url, world.registerKey),
    partner: (name: string) => new PartnerClient(url, world.partners.find((p) => p.name === name)!.key),
  });
  const check = <T>(value: T) => {
    checks++;
    return expect(value);
  };
  const m = () => server!.app.dataSource.manager;

  /** Codes, bills and a redeem under the keys running now, for the next stage. */
  async function leaveForNextStage(): Promise<void> {
    const { phone, register, partner } = clients(server!.url);
    stageNumber++;
    const billCodes = [];
    for (const p of world.partners) {
      const reference = `S${stageNumber}-${p.name}`;
      const bill = await partner(p.name).postBill({
        customerPhone: world.phoneNumber,
        reference,
        amount: 800 + stageNumber,
        currency: "JPY",
        dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      });
      billCodes.push({ partner: p.name, reference, code: (await phone.issueBillCode(bill.id, PASSWORD)).code });
    }
    const toRedeem = (await phone.issuePaymentCode(world.cardId, PASSWORD)).code;
    const key = `redeem-${stageNumber}`;
    const payment = await register.redeemCode(toRedeem, sale, key);
    expect(payment.status).toBe("APPROVED");
    carried = {
      paymentCode: (await phone.issuePaymentCode(world.cardId, PASSWORD)).code,
      billCodes,
      redeemed: { code: toRedeem, key, paymentId: payment.id },
    };
  }

  async function webhookFor(reference: string, type = "bill.paid") {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hook = receiver.delivered.find((h) => {
        const body = JSON.parse(h.body) as { type: string; data: { reference: string } };
        return body.type === type && body.data.reference === reference;
      });
      if (hook) return hook;
      if (Date.now() > deadline) throw new Error(`no webhook for ${reference}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** After a restart with `env`: everything made before still works, and what is new uses the new keys. */
  async function everythingStillWorks(env: Env): Promise<void> {
    const ids = expectedIds(env);
    const { phone, register } = clients(server!.url);

    // The code issued before the restart redeems, on the old card.
    check((await register.redeemCode(carried.paymentCode, sale, `after-${stageNumber}`)).status).toBe("APPROVED");
    // A register retrying its redeem across the restart gets the same payment, not a conflict.
    check((await register.redeemCode(carried.redeemed.code, sale, carried.redeemed.key)).id).toBe(carried.redeemed.paymentId);

    // Bill codes from before collect, and each partner's webhook verifies with the secret it was given.
    for (const { partner, code, reference } of carried.billCodes) {
      check((await register.collectBill(code, "CASH", `collect-${reference}`)).status).toBe("PAID");
      const hook = await webhookFor(reference);
      const headers = { timestamp: String(hook.headers["x-wallet-timestamp"]), signature: String(hook.headers["x-wallet-signature"]) };
      const secret = world.partners.find((p) => p.name === partner)!.secret;
      check(verifyWebhook(secret, headers, hook.body, Number(headers.timestamp))).toBe(true);
      // The store's back office hears the collection too, signed with the store's own secret.
      const storeHook = await webhookFor(reference, "bill.collected");
      const storeHeaders = { timestamp: String(storeHook.headers["x-wallet-timestamp"]), signature: String(storeHook.headers["x-wallet-signature"]) };
      check(verifyWebhook(world.store.secret, storeHeaders, storeHook.body, Number(storeHeaders.timestamp))).toBe(true);
    }

    // The same card number again is refused, whatever key fingerprinted the first.
    const again = { pan: world.pan, expiryMonth: 12, expiryYear: 2031, holderName: "HANAKO", kind: "CREDIT" as const, institution: "Test Card Co." };
    check(await errorCodeOf(phone.addCard(again))).toBe("BAD_USER_INPUT");

    // New things are made under the new keys: a card, a code.
    const added = await phone.addCard({ ...again, pan: freshPan() });
    check(await m().findOneByOrFail(CardEntity, { id: added.id })).toMatchObject({ panKeyId: ids.card, panFingerprintKeyId: ids.fingerprint });
    const fresh = await phone.issuePaymentCode(world.cardId, PASSWORD);
    const newest = await m().findOne(WalletCodeEntity, { where: { kind: "PAYMENT" }, order: { createdAt: "DESC" } });
    check(newest?.codeKeyId).toBe(ids.code);
    check((await register.redeemCode(fresh.code, sale, `fresh-${stageNumber}`)).status).toBe("APPROVED");

    // The sweep moves what was made before to the new keys; the secrets themselves stay.
    await server!.app.services.keySweep.run();
    check(await m().findOneByOrFail(CardEntity, { id: world.cardId })).toMatchObject({ panKeyId: ids.card, panFingerprintKeyId: ids.fingerprint });
    for (const p of world.partners) check((await m().findOneByOrFail(PartnerEntity, { id: p.id })).webhookSecretKeyId).toBe(ids.webhook);
    check((await m().findOneByOrFail(StoreEntity, { id: world.store.id })).webhookSecretKeyId).toBe(ids.webhook);
  }

  let env: Env = {};
  it("starts with today's configuration (CARD_KEY only) and a partner from before secrets were stored", async () => {
    env = { CARD_KEY: newKey() };
    await start(env);
    const shopper = await newShopper(server!.url, world.pan);
    const admin = new AdminClient(server!.url, ADMIN_TOKEN);
    const store = await admin.createStore("Rotation Mart", "JPY", undefined, { webhookUrl: receiver.url });
    const apiKey = (await admin.issueApiKey("REGISTER", store.id)).key;
    world.store = { id: store.id, secret: store.webhookSecret! };
    Object.assign(world, { phoneToken: shopper.phone.token!, phoneNumber: shopper.phoneNumber, cardId: shopper.card.id, registerKey: apiKey });
    for (const name of ["Tokyo Power", "Old Gas Co"]) {
      const partner = await admin.createPartner(name, receiver.url);
      world.partners.push({ name, id: partner.id, key: (await admin.issueApiKey("PARTNER", partner.id)).key, secret: partner.webhookSecret! });
    }
    // "Old Gas Co" as an earlier version left it: no stored secret; it was given the one derived from CARD_KEY.
    const old = world.partners[1];
    await m().update(PartnerEntity, { id: old.id }, { webhookSecretCiphertext: null, webhookSecretKeyId: null });
    old.secret = derivedWebhookSecret(env.CARD_KEY, old.id);
    check(world.partners[0].secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await leaveForNextStage();

    // The upgrade's first start stores the derived secret, sealed: the same secret from now on.
    await start(env);
    check((await m().findOneByOrFail(PartnerEntity, { id: old.id })).webhookSecretKeyId).toBe(expectedIds(env).webhook);
    await everythingStillWorks(env);
    await leaveForNextStage();
  });

  const stages: Array<[string, (previous: Env) => Env]> = [
    ["CARD_KEY alone, the other keys derived from it (as when this was found)", (p) => ({ CARD_KEY: newKey(), CARD_KEYS_PREVIOUS: p.CARD_KEY })],
    [
      "first own keys for codes, fingerprints and webhook secrets (no previous named)",
      (p) => ({ ...p, CODE_HASH_KEY: newKey(), CARD_FINGERPRINT_KEY: newKey(), WEBHOOK_SECRET_KEY: newKey() }),
    ],
    ["CODE_HASH_KEY alone", (p) => ({ ...p, CODE_HASH_KEY: newKey(), CODE_HASH_KEYS_PREVIOUS: p.CODE_HASH_KEY })],
    ["CARD_FINGERPRINT_KEY alone", (p) => ({ ...p, CARD_FINGERPRINT_KEY: newKey(), CARD_FINGERPRINT_KEYS_PREVIOUS: p.CARD_FINGERPRINT_KEY })],
    ["WEBHOOK_SECRET_KEY alone", (p) => ({ ...p, WEBHOOK_SECRET_KEY: newKey(), WEBHOOK_SECRET_KEYS_PREVIOUS: p.WEBHOOK_SECRET_KEY })],
    ["CARD_KEY alone, the others having their own keys", (p) => ({ ...p, CARD_KEY: newKey(), CARD_KEYS_PREVIOUS: p.CARD_KEY })],
    [
      "all four at once",
      (p) => ({
        CARD_KEY: newKey(),
        CARD_KEYS_PREVIOUS: p.CARD_KEY,
        CODE_HASH_KEY: newKey(),
        CODE_HASH_KEYS_PREVIOUS: p.CODE_HASH_KEY,
        CARD_FINGERPRINT_KEY: newKey(),
        CARD_FINGERPRINT_KEYS_PREVIOUS: p.CARD_FINGERPRINT_KEY,
        WEBHOOK_SECRET_KEY: newKey(),
        WEBHOOK_SECRET_KEYS_PREVIOUS: p.WEBHOOK_SECRET_KEY,
      }),
    ],
  ];
  it.each(stages)("rotates %s: codes, webhook secrets, duplicate detection and the card survive", async (_name, rotate) => {
    env = rotate(env);
    await start(env);
    await everythingStillWorks(env);
    await leaveForNextStage();
  });
});
