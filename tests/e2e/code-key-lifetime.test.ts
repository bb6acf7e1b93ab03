import { createHash, randomBytes } from "node:crypto";
import { AdminClient } from "../../clients/admin";
import { PartnerClient } from "../../clients/partner";
import { PhoneClient } from "../../clients/phone";
import { RegisterClient } from "../../clients/register";
import { ManualClock } from "../../src/clock";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const DAY = 86_400_000;
const newKey = () => randomBytes(32).toString("hex");
const idOf = (hex: string) => createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex").slice(0, 12);

/**
 * A code-hash key is needed as long as the codes it hashed live, and a bill code lives up
 * to 60 days: the server says at start until when each earlier key is needed, and a
 * rotation keeps a 60-day bill code working only while the old key is kept that long.
 */
describe.each(engines)("rotating CODE_HASH_KEY under a live 60-day bill code (%s)", (engine) => {
  let database: TestDatabase;
  let server: TestServer | undefined;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  const [oldKey, newHashKey, cardKey] = [newKey(), newKey(), newKey()];
  const start = async (env: Record<string, string>) => {
    await server?.close();
    server = await startTestServer(engine, { database, clock, env: { CARD_KEY: cardKey, SESSION_TTL_HOURS: "20000", ...env } });
    return server;
  };
  const linesAbout = (text: string) => server!.logs.lines.filter((line) => line.includes(text)).map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await server?.close();
    await database.drop();
  });

  it("says when the old key may go, keeps the bill code working until then, and voids it when the key goes after a day", async () => {
    await start({ CODE_HASH_KEY: oldKey });
    const admin = new AdminClient(server!.url, ADMIN_TOKEN);
    const partner = await admin.createPartner("Tokyo Gas");
    const partnerKey = (await admin.issueApiKey("PARTNER", partner.id)).key;
    const shopper = await newShopper(server!.url);
    const { apiKey } = await newRegister(server!.url);
    const bill = await new PartnerClient(server!.url, partnerKey).postBill({
      customerPhone: shopper.phoneNumber,
      reference: "GAS-60",
      amount: 4_400,
      currency: "JPY",
      dueDate: new Date(clock.now().getTime() + 90 * DAY).toISOString(),
    });
    const billCode = await shopper.phone.issueBillCode(bill.id, PASSWORD);
    const lastExpiry = new Date(clock.now().getTime() + 60 * DAY).toISOString();
    expect(billCode.expiresAt).toBe(lastExpiry);

    // The rotation: the new key makes codes, the old one only reads. The start says until when it is needed.
    const rotated = { CODE_HASH_KEY: newHashKey, CODE_HASH_KEYS_PREVIOUS: oldKey };
    await start(rotated);
    const [needed] = linesAbout("codes made under an earlier code-hash key are still live");
    expect(needed).toMatchObject({ level: 30, keyId: idOf(oldKey), liveCodes: 1, neededUntil: lastExpiry });

    // A day and more later the old key is still needed: dropped then, the bill code is void.
    clock.advance(2 * DAY);
    await start({ CODE_HASH_KEY: newHashKey });
    expect(await errorCodeOf(new RegisterClient(server!.url, apiKey).collectBill(billCode.code, "CASH", "gas-too-early"))).toBe("CODE_INVALID");

    // Kept as the start said, the code collects on its 59th day.
    clock.advance(57 * DAY);
    await start(rotated);
    expect(linesAbout("codes made under an earlier code-hash key are still live")).toMatchObject([{ keyId: idOf(oldKey), neededUntil: lastExpiry }]);
    expect(await new RegisterClient(server!.url, apiKey).collectBill(billCode.code, "CASH", "gas-day-59")).toMatchObject({ status: "PAID" });
    expect((await new PhoneClient(server!.url, shopper.phone.token!).bills())[0]).toMatchObject({ status: "PAID" });

    // Once its last code has expired, the start says the old key may go.
    clock.advance(2 * DAY);
    await start(rotated);
    expect(linesAbout("codes made under an earlier code-hash key are still live")).toEqual([]);
    const [free] = linesAbout("no live code was made under a key of CODE_HASH_KEYS_PREVIOUS");
    expect(free).toMatchObject({ level: 30, keyIds: [idOf(oldKey)] });
  });
});
