import { DeviceKey, offlinePaymentToken } from "../../clients/device-key";
import { ManualClock } from "../../src/clock";
import { engines } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";
import { PASSWORD, errorCodeOf, newRegister, newShopper } from "../support/world";

const MINUTE = 60_000;

/**
 * Offline payment tokens: the phone, with no network, signs a token
 * with its device key; the register redeems it online. Once, fresh, within its cap and
 * the device's offline limits; a revoked device's tokens pay nothing; the register sees
 * the customer number, never the phone number.
 */
describe.each(engines)("offline payment tokens (%s)", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(new Date("2026-12-01T10:00:00Z"));
  beforeAll(async () => {
    server = await startTestServer(engine, { clock, env: { OFFLINE_MAX_AMOUNT: "10000", OFFLINE_MAX_COUNT: "5", SESSION_TTL_HOURS: "20000" } });
  });
  afterAll(() => server.close());

  async function phoneWithDevice() {
    const shopper = await newShopper(server.url);
    const key = await DeviceKey.generate();
    const device = await shopper.phone.registerDevice(key, "Offline phone", PASSWORD);
    const token = (maxAmount: number, at = clock.now()) => offlinePaymentToken(key, shopper.card.id, maxAmount, at);
    return { ...shopper, key, device, token };
  }
  const sale = (amount: number) => ({ amount, currency: "JPY" });

  it("is redeemed once, online at the register, and shows the customer number but not the phone", async () => {
    const fan = await phoneWithDevice();
    const { register } = await newRegister(server.url);
    const token = await fan.token(3_000);
    expect(token).toMatch(/^P1\./);
    const paid = await register.redeemCode(token, sale(1_200), "offline-1");
    expect(paid).toMatchObject({ status: "APPROVED", amount: 1_200, customerNumber: expect.stringMatching(/^\d{10}$/) });
    expect(paid.customerNumber).toMatch(/^\d{10}$/);
    expect(JSON.stringify(paid)).not.toContain(fan.phoneNumber.slice(1));
    // The same request again is answered again; the same token for another sale is used.
    expect((await register.redeemCode(token, sale(1_200), "offline-1")).id).toBe(paid.id);
    expect(await errorCodeOf(register.redeemCode(token, sale(1_200), "offline-2"))).toBe("CODE_ALREADY_USED");
    expect((await fan.phone.payments()).nodes.map((p) => p.id)).toContain(paid.id);
  });

  it("refuses a token over its cap, a stale one, one from the future, a forged one and another customer's card", async () => {
    const fan = await phoneWithDevice();
    const other = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    expect(await errorCodeOf(register.redeemCode(await fan.token(1_000), sale(1_001), "cap"))).toBe("AMOUNT_OVER_LIMIT");
    expect(await errorCodeOf(register.redeemCode(await fan.token(1_000, new Date(clock.now().getTime() - 6 * MINUTE)), sale(100), "old"))).toBe("CODE_EXPIRED");
    expect(await errorCodeOf(register.redeemCode(await fan.token(1_000, new Date(clock.now().getTime() + 5 * MINUTE)), sale(100), "ahead"))).toBe("CODE_INVALID");
    const stranger = await DeviceKey.generate();
    stranger.deviceId = fan.device.id; // signs as if it were the fan's device
    expect(await errorCodeOf(register.redeemCode(await offlinePaymentToken(stranger, fan.card.id, 1_000, clock.now()), sale(100), "forged"))).toBe("CODE_INVALID");
    const theirs = await offlinePaymentToken(fan.key, other.card.id, 1_000, clock.now());
    expect(await errorCodeOf(register.redeemCode(theirs, sale(100), "theirs"))).toBe("CODE_INVALID");
    // A token that is not one at all.
    expect(await errorCodeOf(register.redeemCode("P1.bm90IGpzb24.c2ln", sale(100), "junk"))).toBe("CODE_INVALID");
  });

  it("holds the device's offline limits, set by the customer within the operator's maximum, also when tokens are redeemed at once", async () => {
    const fan = await phoneWithDevice();
    const { register } = await newRegister(server.url);
    expect(await errorCodeOf(fan.phone.setOfflineLimits(fan.device.id, 20_000, 3, PASSWORD))).toBe("BAD_USER_INPUT");
    expect(await fan.phone.setOfflineLimits(fan.device.id, 5_000, 3, PASSWORD)).toMatchObject({ offlineMaxAmount: 5_000, offlineMaxCount: 3 });
    // Four tokens of 1,500 redeemed at once: the amount limit lets three through.
    const tokens = await Promise.all([1, 2, 3, 4].map(() => fan.token(2_000)));
    const outcomes = await Promise.all(
      tokens.map((token, i) => register.redeemCode(token, sale(1_500), `burst-${i}`).then((p) => p.status, (e: { code?: string }) => e.code)),
    );
    expect(outcomes.filter((o) => o === "APPROVED")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "AMOUNT_OVER_LIMIT")).toHaveLength(1);
    // A day later the window has moved on.
    clock.advance(24 * 60 * MINUTE + 1);
    expect((await register.redeemCode(await fan.token(2_000), sale(1_500), "next-day")).status).toBe("APPROVED");
  });

  it("is looked up by the register before it is redeemed, without using it up or spending the offline limits", async () => {
    const fan = await phoneWithDevice();
    const { register } = await newRegister(server.url);
    await fan.phone.setOfflineLimits(fan.device.id, 5_000, 1, PASSWORD);
    const madeAt = clock.now();
    const token = await fan.token(3_000, madeAt);
    for (let i = 0; i < 3; i++) {
      const seen = await register.lookupCode(token);
      expect(seen).toMatchObject({ kind: "PAYMENT", maxAmount: 3_000, card: { brand: "VISA", last4: "4242" }, membership: null, bill: null });
      expect(new Date(seen.expiresAt).getTime()).toBe(Math.floor(madeAt.getTime() / 1000) * 1000 + 5 * MINUTE);
    }
    // Three lookups against a limit of one payment a day: the redeem still pays.
    expect((await register.redeemCode(token, sale(1_200), "looked-up")).status).toBe("APPROVED");
    expect(await errorCodeOf(register.lookupCode(token))).toBe("CODE_ALREADY_USED");
  });

  it("is refused by lookupCode as redeemCode refuses it: stale, forged, another's card, a revoked device, a card taken out", async () => {
    const fan = await phoneWithDevice();
    const other = await newShopper(server.url);
    const { register } = await newRegister(server.url);
    expect(await errorCodeOf(register.lookupCode(await fan.token(1_000, new Date(clock.now().getTime() - 6 * MINUTE))))).toBe("CODE_EXPIRED");
    expect(await errorCodeOf(register.lookupCode(await fan.token(1_000, new Date(clock.now().getTime() + 5 * MINUTE))))).toBe("CODE_INVALID");
    expect(await errorCodeOf(register.lookupCode(await offlinePaymentToken(fan.key, other.card.id, 1_000, clock.now())))).toBe("CODE_INVALID");
    expect(await errorCodeOf(register.lookupCode("P1.bm90IGpzb24.c2ln"))).toBe("CODE_INVALID");
    const token = await fan.token(1_000);
    await fan.phone.setCardStatus(fan.card.id, "NOT_AVAILABLE", PASSWORD);
    expect(await errorCodeOf(register.lookupCode(token))).toBe("CARD_NOT_AVAILABLE");
    await fan.phone.setCardStatus(fan.card.id, "AVAILABLE", PASSWORD);
    expect((await register.lookupCode(token)).kind).toBe("PAYMENT");
    await fan.phone.revokeDevice(fan.device.id);
    expect(await errorCodeOf(register.lookupCode(token))).toBe("CODE_INVALID");
  });

  it("pays nothing once the device is revoked (a lost phone)", async () => {
    const fan = await phoneWithDevice();
    const { register } = await newRegister(server.url);
    const token = await fan.token(2_000);
    await fan.phone.revokeDevice(fan.device.id);
    expect(await errorCodeOf(register.redeemCode(token, sale(500), "after-revoke"))).toBe("CODE_INVALID");
  });
});
