import { DeviceKey } from "../../clients/device-key";
import { ManualClock } from "../../src/clock";
import { PIN_TRIES } from "../../src/services/devices/user-verification.service";
import type { Caller } from "../../src/services/kernel/caller";
import { engines } from "../support/databases";
import { newCustomer, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { PASSWORD, errorCodeOf } from "../support/test-data";

/** The refusal's code and the library's reason, when there is one. */
const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => ({ code: "NONE", reason: undefined }),
    (error: { code?: string; details?: { reason?: string } }) => ({ code: error.code, reason: error.details?.reason }),
  );

describe.each(engines)("user verification: passkeys and the payment PIN (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock();
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());

  const verification = () => world.services.userVerification;

  /** A customer with a registered device key and a passkey in `authenticator`. */
  async function enrolled(authenticator = new SoftAuthenticator()) {
    const shopper = await newCustomer(world);
    const key = await DeviceKey.generate();
    key.deviceId = (await world.services.devices.register(shopper.caller, "phone", key.publicKey, PASSWORD)).id;
    const options = JSON.parse(await verification().passkeyRegistrationOptions(shopper.caller, PASSWORD));
    expect(options.authenticatorSelection).toMatchObject({ authenticatorAttachment: "platform", userVerification: "required" });
    await verification().registerPasskey(shopper.caller, JSON.stringify(authenticator.register(options)), "Hanako's phone");
    return { shopper, key, authenticator };
  }

  const assertion = async (caller: Caller, authenticator: SoftAuthenticator, how: { verified?: boolean; counter?: number } = {}) =>
    JSON.stringify(authenticator.assert(JSON.parse(await verification().verificationOptions(caller)), how));

  /** A payment waiting for the shopper's confirmation, and its request's id. */
  async function waiting(shopper: Customer) {
    await world.services.customers.setConfirmAbove(shopper.caller, 0);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const payment = await world.services.payments.redeemCode(register, code, { amount: 5000, currency: "JPY" }, `uv-${shopper.phoneNumber}-${Math.random()}`);
    expect(payment.status).toBe("PENDING_CONFIRMATION");
    const [pending] = await world.services.confirmations.pending(shopper.caller);
    return pending.request.id;
  }

  const approve = (shopper: Customer, key: DeviceKey, requestId: string, webAuthn?: string, pin?: string) =>
    key.prove("respondToConfirmation", { requestId, approve: true }).then((proof) =>
      world.services.payments.respondToConfirmation(shopper.caller, requestId, true, { proof }, webAuthn || pin ? { webAuthn, pin } : null),
    );

  it("approves a confirmation with the device's proof and a passkey's assertion with user verification", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const requestId = await waiting(shopper);
    expect(await refusal(approve(shopper, key, requestId))).toMatchObject({ code: "VERIFICATION_REQUIRED" });
    const approved = await approve(shopper, key, requestId, await assertion(shopper.caller, authenticator));
    expect(approved.status).toBe("APPROVED");
    expect(await verification().methods(shopper.caller)).toEqual({ passkeys: 1, pin: false, pinTriesLeft: 0 });
  });

  it("lets a rejection through without verification", async () => {
    const { shopper, key } = await enrolled();
    const requestId = await waiting(shopper);
    const proof = await key.prove("respondToConfirmation", { requestId, approve: false });
    expect((await world.services.payments.respondToConfirmation(shopper.caller, requestId, false, { proof })).status).toBe("REJECTED_BY_CUSTOMER");
  });

  it("refuses a replayed challenge: an assertion is taken once", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const first = await waiting(shopper);
    const used = await assertion(shopper.caller, authenticator);
    expect((await approve(shopper, key, first, used)).status).toBe("APPROVED");
    const second = await waiting(shopper);
    expect(await refusal(approve(shopper, key, second, used))).toMatchObject({ code: "VERIFICATION_FAILED" });
    // The same challenge signed again with a greater counter is refused too: the challenge is spent.
    const options = JSON.parse(used).response.clientDataJSON;
    const challenge = JSON.parse(Buffer.from(options, "base64url").toString()).challenge;
    expect(await refusal(approve(shopper, key, second, JSON.stringify(authenticator.assert({ challenge }))))).toMatchObject({ code: "VERIFICATION_FAILED" });
    expect((await world.services.payments.get(shopper.caller, (await world.services.confirmations.pending(shopper.caller))[0].payment.id))?.status).toBe(
      "PENDING_CONFIRMATION",
    );
  });

  it("refuses an expired challenge", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const requestId = await waiting(shopper);
    const signed = await assertion(shopper.caller, authenticator);
    clock.advance(world.services.userVerification["deps"].config.webAuthn.challengeTtlSeconds * 1000 + 1);
    expect(await refusal(approve(shopper, key, requestId, signed))).toMatchObject({ code: "VERIFICATION_FAILED" });
  });

  it("refuses an assertion without user verification (presence alone)", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const requestId = await waiting(shopper);
    const result = await refusal(approve(shopper, key, requestId, await assertion(shopper.caller, authenticator, { verified: false })));
    expect(result.code).toBe("VERIFICATION_FAILED");
    expect(result.reason).toMatch(/user could not be verified/i);
  });

  it("refuses a stranger's passkey, even signing the caller's own challenge", async () => {
    const { shopper, key } = await enrolled();
    const stranger = await enrolled();
    const requestId = await waiting(shopper);
    const ownChallenge = JSON.parse(await verification().verificationOptions(shopper.caller));
    const strangers = JSON.stringify(stranger.authenticator.assert(ownChallenge));
    expect(await refusal(approve(shopper, key, requestId, strangers))).toMatchObject({ code: "VERIFICATION_FAILED" });
    // An authenticator never registered is refused alike.
    const unknown = JSON.stringify(new SoftAuthenticator().assert(JSON.parse(await verification().verificationOptions(shopper.caller))));
    expect(await refusal(approve(shopper, key, requestId, unknown))).toMatchObject({ code: "VERIFICATION_FAILED" });
  });

  it("refuses a counter that goes backwards (a cloned authenticator) or stands still", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const first = await waiting(shopper);
    expect((await approve(shopper, key, first, await assertion(shopper.caller, authenticator, { counter: 10 }))).status).toBe("APPROVED");
    const second = await waiting(shopper);
    const back = await refusal(approve(shopper, key, second, await assertion(shopper.caller, authenticator, { counter: 9 })));
    expect(back.code).toBe("VERIFICATION_FAILED");
    expect(back.reason).toMatch(/counter/i);
    expect(await refusal(approve(shopper, key, second, await assertion(shopper.caller, authenticator, { counter: 10 })))).toMatchObject({ code: "VERIFICATION_FAILED" });
    expect((await approve(shopper, key, second, await assertion(shopper.caller, authenticator, { counter: 11 }))).status).toBe("APPROVED");
  });

  it("asks for verification to issue a payment code while confirmAbove is null, not while it is set", async () => {
    const { shopper, key, authenticator } = await enrolled();
    const issue = async (webAuthn?: string) =>
      world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, { proof: await key.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: null }) }, null, webAuthn ? { webAuthn } : null);
    expect(await errorCodeOf(issue())).toBe("VERIFICATION_REQUIRED");
    expect((await issue(await assertion(shopper.caller, authenticator))).code).toMatch(/^\d+$/);
    await world.services.customers.setConfirmAbove(shopper.caller, 3000);
    expect((await issue()).code).toMatch(/^\d+$/);
    // The password as the approval is the customer's own proof.
    await world.services.customers.setConfirmAbove(shopper.caller, null);
    expect((await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null)).code).toMatch(/^\d+$/);
  });

  it("verifies with the payment PIN where no authenticator exists; wrong PINs are limited, the password sets it again", async () => {
    const shopper = await newCustomer(world);
    const key = await DeviceKey.generate();
    key.deviceId = (await world.services.devices.register(shopper.caller, "phone", key.publicKey, PASSWORD)).id;
    expect(await errorCodeOf(verification().setPin(shopper.caller, "12a4", PASSWORD))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(verification().setPin(shopper.caller, "2468", "wrong password"))).toBe("INVALID_PASSWORD");
    await verification().setPin(shopper.caller, "2468", PASSWORD);
    const requestId = await waiting(shopper);
    expect(await refusal(approve(shopper, key, requestId))).toMatchObject({ code: "VERIFICATION_REQUIRED" });
    const wrong = await approve(shopper, key, requestId, undefined, "1357").then(
      () => null,
      (e: { code: string; details: { attemptsLeft: number } }) => e,
    );
    expect(wrong).toMatchObject({ code: "INVALID_PASSWORD", details: { attemptsLeft: PIN_TRIES - 1 } });
    // A right PIN resets the count.
    expect((await approve(shopper, key, requestId, undefined, "2468")).status).toBe("APPROVED");
    expect((await verification().methods(shopper.caller)).pinTriesLeft).toBe(PIN_TRIES);

    const next = await waiting(shopper);
    // Racing wrong PINs: exactly PIN_TRIES are checked, the rest find none left.
    const session = shopper.caller as Extract<Caller, { kind: "customer" }>;
    const tries = await Promise.all(Array.from({ length: PIN_TRIES + 3 }, () => refusal(verification().requireVerified(session, { pin: "0000" }))));
    expect(tries.filter((t) => t.code === "INVALID_PASSWORD")).toHaveLength(PIN_TRIES);
    expect(tries.filter((t) => t.code === "PIN_BLOCKED")).toHaveLength(3);
    expect(await refusal(approve(shopper, key, next, undefined, "2468"))).toMatchObject({ code: "PIN_BLOCKED" });
    await verification().setPin(shopper.caller, "8642", PASSWORD);
    expect((await approve(shopper, key, next, undefined, "8642")).status).toBe("APPROVED");
  });

  it("keeps the clients from before working: no passkey and no PIN, a device's proof approves as it did", async () => {
    const shopper = await newCustomer(world);
    const key = await DeviceKey.generate();
    key.deviceId = (await world.services.devices.register(shopper.caller, "phone", key.publicKey, PASSWORD)).id;
    const requestId = await waiting(shopper);
    expect((await approve(shopper, key, requestId)).status).toBe("APPROVED");
  });
});
