import { DeviceKey, type DeviceAlgorithm, type ProofArguments, type ProofOperation } from "../../clients/device-key";
import { ManualClock } from "../../src/clock";
import * as passwords from "../../src/services/crypto/password";
import type { Caller } from "../../src/services/kernel/caller";
import { MAX_ACTIVE_DEVICES } from "../../src/services/devices/device.service";
import { engines, mysqlAvailable } from "../support/databases";
import { login, newCustomer, newPartner, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const HOUR = 3_600_000;

describe.each(engines)("device keys and their proofs (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterAll(() => world.close());
  afterEach(() => jest.restoreAllMocks());

  async function registered(caller: Caller, algorithm: DeviceAlgorithm = "Ed25519", name = "Hanako's phone") {
    const key = await DeviceKey.generate({ algorithm });
    key.deviceId = (await world.services.devices.register(caller, name, key.publicKey, PASSWORD)).id;
    return key;
  }

  const proof = async <O extends ProofOperation>(key: DeviceKey, operation: O, args: ProofArguments<O>) => ({ proof: await key.prove(operation, args) });
  const payWith = (customer: Customer, approval: Parameters<ServiceWorld["services"]["codes"]["issuePaymentCode"]>[2], maxAmount: number | null = null) =>
    world.services.codes.issuePaymentCode(customer.caller, customer.card.id, approval, maxAmount);
  const paymentProof = (key: DeviceKey, customer: Customer, maxAmount: number | null = null) =>
    proof(key, "issuePaymentCode", { cardId: customer.card.id, maxAmount });

  it.each(["Ed25519", "ES256"] as const)("issues a payment code for a %s proof without hashing the password, and the code pays", async (algorithm) => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const key = await registered(shopper.caller, algorithm);
    const hashing = [jest.spyOn(passwords, "verifyPassword"), jest.spyOn(passwords, "hashPassword")];
    const issued = await payWith(shopper, await paymentProof(key, shopper, 3000), 3000);
    for (const spy of hashing) expect(spy).not.toHaveBeenCalled();
    const payment = await world.services.payments.redeemCode(register, issued.code, { amount: 1200, currency: "JPY" }, `device-${algorithm}`);
    expect(payment.status).toBe("APPROVED");
    const [device] = await world.services.devices.devices(shopper.caller);
    expect(device).toMatchObject({ id: key.deviceId, algorithm, counter: 1, revokedAt: null });
    expect(device.lastUsedAt).toEqual(clock.now());
    // The password still works beside it.
    expect((await payWith(shopper, PASSWORD)).kind).toBe("PAYMENT");
  });

  it("takes a proof for each operation that asks for the password", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    const { partner, hq } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, { name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.01, pointValue: 1, expiryDays: 365 });
    await world.services.memberships.joinProgram(shopper.caller, program.id);
    expect((await world.services.memberships.issueMemberCode(shopper.caller, program.id, await proof(key, "issueMemberCode", { programId: program.id }))).kind).toBe("MEMBER");

    const bill = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference: "INV-1", amount: 5000, currency: "JPY", dueDate: new Date(clock.now().getTime() + 48 * HOUR) });
    expect((await world.services.bills.issueBillCode(shopper.caller, bill.id, await proof(key, "issueBillCode", { billId: bill.id }))).kind).toBe("BILL");

    const event = await world.services.ticketEvents.createEvent(hq, { title: "Live", venue: "Hall", doorsOpenAt: new Date(clock.now().getTime() + HOUR / 2), startsAt: new Date(clock.now().getTime() + HOUR) });
    const { ticket } = await world.services.tickets.postTicket(hq, { eventId: event.id, issueNumber: "T-1", holderPhone: shopper.phoneNumber });
    expect((await world.services.tickets.issueTicketCode(shopper.caller, ticket.id, await proof(key, "issueTicketCode", { ticketId: ticket.id }))).kind).toBe("TICKET");

    await world.services.customers.setConfirmAbove(shopper.caller, 0);
    const { register } = await newStore(world);
    const pending = await world.services.payments.redeemCode(register, (await payWith(shopper, await paymentProof(key, shopper))).code, { amount: 800, currency: "JPY" }, "confirm-1");
    const [request] = await world.services.confirmations.pending(shopper.caller);
    const answered = await world.services.payments.respondToConfirmation(shopper.caller, request.request.id, true, await proof(key, "respondToConfirmation", { requestId: request.request.id, approve: true }));
    expect(answered).toMatchObject({ id: pending.id, status: "APPROVED" });
    expect((await world.services.devices.devices(shopper.caller))[0].counter).toBe(5);
  });

  it("refuses a replay, a proof for other arguments or another operation, and a bad signature, each with its code", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    const first = await paymentProof(key, shopper, 1000);
    await payWith(shopper, first, 1000);
    const replay = await payWith(shopper, first, 1000).catch((e) => e);
    expect(replay).toMatchObject({ code: "PROOF_REPLAYED", details: { lastCounter: 1 } });

    // Signed for 1,000, sent for 100,000: the text the server builds differs on maxAmount's line.
    const other = await payWith(shopper, await paymentProof(key, shopper, 1000), 100_000).catch((e) => e);
    expect(other).toMatchObject({ code: "PROOF_MISMATCH", details: { line: 6, field: "maxAmount" } });
    const secondCard = await world.services.cards.addCard(shopper.caller, { pan: "5555555555554444", expiryMonth: 12, expiryYear: 2030, holderName: "H", kind: "CREDIT", institution: "X" });
    await world.services.cards.setCardStatus(shopper.caller, secondCard.id, "AVAILABLE", PASSWORD);
    const forFirstCard = await paymentProof(key, shopper);
    expect(await errorCodeOf(world.services.codes.issuePaymentCode(shopper.caller, secondCard.id, forFirstCard, null))).toBe("PROOF_MISMATCH");
    const forMemberCode = await proof(key, "issueMemberCode", { programId: shopper.card.id });
    expect(await errorCodeOf(payWith(shopper, forMemberCode))).toBe("PROOF_MISMATCH");

    const signed = (await paymentProof(key, shopper)).proof;
    const forged = { ...signed, signature: (await paymentProof(await registered(shopper.caller), shopper)).proof.signature };
    expect(await errorCodeOf(payWith(shopper, { proof: forged }))).toBe("PROOF_INVALID");
    // Nothing refused moved the counter: the signed proof, never used, is still good.
    expect((await payWith(shopper, { proof: signed })).kind).toBe("PAYMENT");
  });

  it("asks for exactly one of the password and a proof", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    const { approvalOf } = await import("../../src/services/kernel/approval");
    expect(() => approvalOf(null, null)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
    expect(() => approvalOf(PASSWORD, { deviceId: key.deviceId!, payload: "", signature: "" })).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
    expect(approvalOf(PASSWORD, null)).toBe(PASSWORD);
  });

  it("lets exactly one of many racing proofs with the same counter through", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    const state = key.state();
    // Five copies of the key at the same counter sign five different requests, all with counter 1.
    const proofs = await Promise.all([100, 200, 300, 400, 500].map((cap) => paymentProof(DeviceKey.restore(state), shopper, cap).then((p) => [p, cap] as const)));
    const outcomes = await Promise.allSettled(proofs.map(([p, cap]) => payWith(shopper, p, cap)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refusals = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code: string }).code] : []));
    expect(refusals).toEqual(["PROOF_REPLAYED", "PROOF_REPLAYED", "PROOF_REPLAYED", "PROOF_REPLAYED"]);
    expect((await world.services.devices.devices(shopper.caller))[0].counter).toBe(1);
  });

  it("refuses a revoked device at once, though its key was cached, and another customer's device as if unknown", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    await payWith(shopper, await paymentProof(key, shopper)); // the key is cached now
    const otherSession = await login(world, shopper.phoneNumber);
    expect((await world.services.devices.revoke(otherSession, key.deviceId!)).revokedAt).toEqual(clock.now());
    expect(await errorCodeOf(payWith(shopper, await paymentProof(key, shopper)))).toBe("DEVICE_REVOKED");

    const stranger = await newCustomer(world);
    const theirs = await registered(stranger.caller);
    const stolen = await theirs.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: null });
    expect(await errorCodeOf(payWith(shopper, { proof: stolen }))).toBe("DEVICE_UNKNOWN");
    const unknown = { ...stolen, deviceId: "0193b8e2-7c41-7a3e-9f1d-2b6c4e8a1f00", payload: stolen.payload.replace(theirs.deviceId!, "0193b8e2-7c41-7a3e-9f1d-2b6c4e8a1f00") };
    expect(await errorCodeOf(payWith(shopper, { proof: unknown }))).toBe("DEVICE_UNKNOWN");
    // Revoking someone else's device: NOT_FOUND, as for an id that does not exist, and theirs still works.
    expect(await errorCodeOf(world.services.devices.revoke(shopper.caller, theirs.deviceId!))).toBe("NOT_FOUND");
    expect(await errorCodeOf(world.services.devices.revoke(shopper.caller, "0193b8e2-7c41-7a3e-9f1d-2b6c4e8a1f00"))).toBe("NOT_FOUND");
    expect((await payWith(stranger, await paymentProof(theirs, stranger))).kind).toBe("PAYMENT");
  });

  it("counts refused proofs as wrong attempts of the session, and logs them without the proof", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    const used = await paymentProof(key, shopper);
    await payWith(shopper, used);
    const refused: Array<{ code: string; details: Record<string, unknown> }> = [];
    for (let i = 0; i < 5; i++) refused.push(await payWith(shopper, used).catch((e) => e));
    expect(refused.map((e) => [e.code, e.details.attemptsLeft])).toEqual([
      ["PROOF_REPLAYED", 4],
      ["PROOF_REPLAYED", 3],
      ["PROOF_REPLAYED", 2],
      ["PROOF_REPLAYED", 1],
      ["PROOF_REPLAYED", 0],
    ]);
    // Past the free attempts the session waits, for a proof as for the password.
    expect(await errorCodeOf(payWith(shopper, used))).toBe("RATE_LIMITED");
    expect(await errorCodeOf(payWith(shopper, PASSWORD))).toBe("RATE_LIMITED");
    const refusals = world.logs.filter((line) => line.includes("device proof refused") && line.includes(key.deviceId!));
    expect(refusals.length).toBeGreaterThanOrEqual(5);
    for (const line of refusals) {
      expect(line).not.toContain(used.proof.signature);
      expect(line).not.toContain("wallet-center device proof");
    }
  });

  it("registers with the password only, an Ed25519 or P-256 key only, and at most MAX_ACTIVE_DEVICES active", async () => {
    const shopper = await newCustomer(world);
    const key = await DeviceKey.generate();
    expect(await errorCodeOf(world.services.devices.register(shopper.caller, "Phone", key.publicKey, "wrong password"))).toBe("INVALID_PASSWORD");
    expect(await errorCodeOf(world.services.devices.register(shopper.caller, "Phone", "bm90IGEga2V5", PASSWORD))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(world.services.devices.register(shopper.caller, " ", key.publicKey, PASSWORD))).toBe("BAD_USER_INPUT");
    const keys = [];
    for (let i = 0; i < MAX_ACTIVE_DEVICES; i++) keys.push(await registered(shopper.caller, i % 2 ? "ES256" : "Ed25519", `Device ${i}`));
    const over = await world.services.devices.register(shopper.caller, "One more", key.publicKey, PASSWORD).catch((e) => e);
    expect(over).toMatchObject({ code: "DEVICE_LIMIT", details: { limit: MAX_ACTIVE_DEVICES } });
    await world.services.devices.revoke(shopper.caller, keys[0].deviceId!);
    await registered(shopper.caller, "Ed25519", "Replacement");
    const listed = await world.services.devices.devices(shopper.caller);
    expect(listed.map((d) => d.name)).toEqual(["Device 0", "Device 1", "Device 2", "Device 3", "Device 4", "Replacement"]);
    expect(listed.filter((d) => d.revokedAt).map((d) => d.name)).toEqual(["Device 0"]);
    expect(listed.map((d) => d.algorithm)).toEqual(["Ed25519", "ES256", "Ed25519", "ES256", "Ed25519", "Ed25519"]);
  });

  it("keeps the cap when registrations race", async () => {
    const shopper = await newCustomer(world);
    const keys = await Promise.all(Array.from({ length: MAX_ACTIVE_DEVICES + 3 }, () => DeviceKey.generate()));
    // A session each: racing password checks of one session are throttled (guess-throttle.ts), which is not what this tests.
    const sessions: Caller[] = [];
    for (const _ of keys) sessions.push(await login(world, shopper.phoneNumber));
    const outcomes = await Promise.allSettled(keys.map((k, i) => world.services.devices.register(sessions[i], `Racer ${i}`, k.publicKey, PASSWORD)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(MAX_ACTIVE_DEVICES);
    expect(outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code: string }).code] : []))).toEqual(["DEVICE_LIMIT", "DEVICE_LIMIT", "DEVICE_LIMIT"]);
  });

  it("revokes every device of a lost phone with its sessions", async () => {
    const shopper = await newCustomer(world);
    const key = await registered(shopper.caller);
    await registered(shopper.caller, "ES256", "Tablet");
    expect(await world.services.credentials.endCustomerSessions(world.admin, shopper.customerId)).toBe(1);
    const again = await login(world, shopper.phoneNumber);
    expect((await world.services.devices.devices(again)).every((d) => d.revokedAt !== null)).toBe(true);
    const proofAfter = await key.prove("issuePaymentCode", { cardId: shopper.card.id, maxAmount: null });
    expect(await errorCodeOf(world.services.codes.issuePaymentCode(again, shopper.card.id, { proof: proofAfter }, null))).toBe("DEVICE_REVOKED");
  });

});

// Two server instances share one database only on MySQL (SQLite in memory is one instance's own).
const describeIf = mysqlAvailable ? describe : describe.skip;
if (!mysqlAvailable) process.stdout.write("[devices across instances] needs MySQL: SKIPPED\n");

describeIf("device revocation across server instances (mysql)", () => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-12-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld("mysql", { clock });
  });
  afterAll(() => world.close());

  async function registered(caller: Caller) {
    const key = await DeviceKey.generate();
    key.deviceId = (await world.services.devices.register(caller, "Hanako's phone", key.publicKey, PASSWORD)).id;
    return key;
  }
  const paymentProof = async (key: DeviceKey, customer: Customer) => ({ proof: await key.prove("issuePaymentCode", { cardId: customer.card.id, maxAmount: null }) });

  it("ends a device on every instance at once: revoked on one, refused on another that cached its key", async () => {
    const second = await serviceWorld("mysql", { clock, deployment: world.deployment });
    try {
      const shopper = await newCustomer(world);
      const key = await registered(shopper.caller);
      const there = await second.callerOf((await second.services.auth.login(shopper.phoneNumber, PASSWORD, "192.0.2.10")).token);
      expect((await second.services.codes.issuePaymentCode(there, shopper.card.id, await paymentProof(key, shopper), null)).kind).toBe("PAYMENT");
      await world.services.devices.revoke(shopper.caller, key.deviceId!);
      expect(await errorCodeOf(second.services.codes.issuePaymentCode(there, shopper.card.id, await paymentProof(key, shopper), null))).toBe("DEVICE_REVOKED");
    } finally {
      await second.close();
    }
  });
});
