import { ManualClock } from "../../src/clock";
import type { SaleInput } from "../../src/services/payments/sale";
import { engines } from "../support/databases";
import { listen, newCustomer, newStore, serviceWorld, type Customer, type ServiceWorld } from "../support/service-world";
import { PASSWORD, errorCodeOf } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });

describe.each(engines)("confirmation on the phone: threshold, answers and expiry (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock();
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(() => world.close());

  /** A customer who confirms above `confirmAbove`, a register, and what each of them hears. */
  async function setup(confirmAbove: number | null) {
    const shopper = await newCustomer(world);
    await world.services.customers.setConfirmAbove(shopper.caller, confirmAbove);
    const { register } = await newStore(world);
    const requests = listen(world.services.live.confirmationRequests(shopper.caller));
    const updates = listen(world.services.live.paymentUpdates(register));
    closers.push(requests.close, updates.close);
    const redeem = async (amount: number, key: string) => {
      const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
      return world.services.payments.redeemCode(register, code, JPY(amount), key);
    };
    return { shopper, register, requests, updates, redeem };
  }

  const respond = (customer: Customer, requestId: string, approve: boolean, password = PASSWORD) =>
    world.services.payments.respondToConfirmation(customer.caller, requestId, approve, password);

  it("does not ask for payments at or under the threshold, and never when it is null", async () => {
    const { shopper, requests, redeem } = await setup(1000);
    expect((await redeem(1000, "under-1")).status).toBe("APPROVED");
    await world.services.customers.setConfirmAbove(shopper.caller, null);
    expect((await redeem(99_999, "never-1")).status).toBe("APPROVED");
    await requests.settled();
    expect(requests.received).toEqual([]);
    expect(await world.services.confirmations.pending(shopper.caller)).toEqual([]);
  });

  it("asks for every payment when the threshold is 0", async () => {
    const { requests, redeem } = await setup(0);
    const payment = await redeem(1, "always-1");
    expect(payment.status).toBe("PENDING_CONFIRMATION");
    await requests.settled();
    expect(requests.received.map((r) => r.payment.id)).toEqual([payment.id]);
  });

  it("ends REJECTED_BY_CUSTOMER when the phone says no, without asking the institution, and the register hears it", async () => {
    const { shopper, requests, updates, redeem } = await setup(0);
    const pending = await redeem(800, "reject-1");
    await requests.settled();
    const rejected = await respond(shopper, requests.received[0].id, false);
    expect(rejected).toMatchObject({ status: "REJECTED_BY_CUSTOMER", approvalNumber: null });
    await updates.settled();
    expect(updates.received.map((p) => [p.id, p.status])).toEqual([
      [pending.id, "PENDING_CONFIRMATION"],
      [pending.id, "REJECTED_BY_CUSTOMER"],
    ]);
    expect(world.institution.authorizations.has(pending.id)).toBe(false);
  });

  it("expires an unanswered request after 120 seconds and tells the register", async () => {
    const { shopper, requests, updates, redeem } = await setup(0);
    const pending = await redeem(300, "expire-1");
    await Promise.all([requests.settled(), updates.settled()]);
    const [request] = requests.received;
    expect(new Date(request.expiresAt).getTime()).toBe(clock.now().getTime() + 120_000);
    expect(updates.received.map((p) => p.status)).toEqual(["PENDING_CONFIRMATION"]);

    // The sweep, as every instance runs it (it expires other tests' requests too).
    clock.advance(119_000);
    await world.services.confirmations.expireDue();
    await updates.settled();
    expect(updates.received.map((p) => p.status)).toEqual(["PENDING_CONFIRMATION"]);
    expect((await world.services.payments.get(shopper.caller, pending.id))?.status).toBe("PENDING_CONFIRMATION");
    clock.advance(2_000);
    expect(await world.services.confirmations.expireDue()).toBeGreaterThanOrEqual(1);
    await updates.settled();
    expect(updates.received.map((p) => [p.id, p.status])).toEqual([
      [pending.id, "PENDING_CONFIRMATION"],
      [pending.id, "EXPIRED"],
    ]);
    expect(await errorCodeOf(respond(shopper, request.id, true))).toBe("BAD_USER_INPUT");
    expect((await world.services.payments.get(shopper.caller, pending.id))?.status).toBe("EXPIRED");
  });

  it("expires a request answered too late even before the sweep comes by", async () => {
    const { shopper, requests, redeem } = await setup(0);
    const pending = await redeem(300, "late-answer-1");
    await requests.settled();
    clock.advance(121_000);
    expect(await errorCodeOf(respond(shopper, requests.received[0].id, true))).toBe("BAD_USER_INPUT");
    expect((await world.services.payments.get(shopper.caller, pending.id))?.status).toBe("EXPIRED");
    expect(world.institution.authorizations.has(pending.id)).toBe(false);
  });

  it("lets only the owner answer, and only once", async () => {
    const { shopper, requests, redeem } = await setup(0);
    const stranger = await newCustomer(world);
    await redeem(300, "owner-1");
    await requests.settled();
    const [request] = requests.received;
    expect(await errorCodeOf(respond(stranger, request.id, true))).toBe("NOT_FOUND");
    expect(await errorCodeOf(respond(shopper, request.id, true, "wrong password"))).toBe("INVALID_PASSWORD");
    expect((await respond(shopper, request.id, true)).status).toBe("APPROVED");
    expect(await errorCodeOf(respond(shopper, request.id, false))).toBe("BAD_USER_INPUT");
  });

  it("takes a register's request by phone number and card selector, with no code", async () => {
    const { shopper, register, requests, updates } = await setup(null);
    const request = (phone: string, selector: string, key: string, amount = 2400) =>
      world.services.payments.requestPayment(register, phone, selector, JPY(amount), key);
    const pending = await request(shopper.phoneNumber, shopper.card.selector, "req-1");
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    await requests.settled();
    expect(requests.received.map((r) => r.payment.id)).toEqual([pending.id]);
    await respond(shopper, requests.received[0].id, true);
    await updates.settled();
    expect(updates.received.at(-1)).toMatchObject({ id: pending.id, status: "APPROVED" });
    expect(await errorCodeOf(request("+819000000001", "1", "req-2", 1))).toBe("NOT_FOUND");
    expect(await errorCodeOf(request(shopper.phoneNumber, "9", "req-3", 1))).toBe("NOT_FOUND");
  });

  it("lists pending requests for a phone that subscribes late", async () => {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const pending = await world.services.payments.requestPayment(register, shopper.phoneNumber, "1", JPY(500), "late-1");
    const listed = await world.services.confirmations.pending(shopper.caller);
    expect(listed.map((r) => r.payment.id)).toEqual([pending.id]);
    expect((await respond(shopper, listed[0].request.id, true)).status).toBe("APPROVED");
    expect(await world.services.confirmations.pending(shopper.caller)).toEqual([]);
  });
});
