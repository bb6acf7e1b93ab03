import { ManualClock } from "../../src/clock";
import { ConfirmationRequestEntity, OutboxMessageEntity, PaymentEntity, PointSettlementEntity, TicketEntity } from "../../src/entities";
import { CONFIRMATION_MOVES } from "../../src/services/confirmation-states";
import { newId } from "../../src/services/ids";
import { OUTBOX_MOVES } from "../../src/services/outbox-states";
import { PaymentPointsService } from "../../src/services/payment-points.service";
import { POINT_SETTLEMENT_MOVES } from "../../src/services/point-settlement-states";
import type { SaleInput } from "../../src/services/sale";
import { byId, type Sql } from "../../src/services/status-table";
import { TICKET_USE_MOVES } from "../../src/services/ticket-use-states";
import { engines } from "../support/databases";
import { newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
import { PASSWORD } from "../support/test-data";

const JPY = (amount: number): SaleInput => ({ amount, currency: "JPY" });
const MINUTE = 60_000;

// Each status table's moves made into conditional UPDATEs, raced on the real engines:
// two moves from one status at once, and the affected-row count lets exactly one win.
describe.each(engines)("racing moves of the status tables (%s)", (engine) => {
  let world: ServiceWorld;
  const clock = new ManualClock(new Date("2026-11-01T09:00:00Z"));
  beforeAll(async () => {
    world = await serviceWorld(engine, { clock, env: { FEED_SETTLE_MS: "0" } });
  });
  afterAll(() => world.close());

  const write = ({ sql, params }: Sql) => world.deps.db.write(sql, params);

  /** A member of a program with 500 points, whose card payment of 1000 yen redeeming 100 points waits for the phone: its points HELD. */
  async function heldPayment(key: string) {
    const { partner } = await newPartner(world, "Sunshine Mart HQ");
    const program = await world.services.programs.createProgram(world.admin, { name: "Sunshine Points", partnerId: partner.id, pointsPerUnit: 0.1, pointValue: 1, expiryDays: 365 });
    const { register } = await newStore(world, { name: "Sunshine Mart Ebisu", programId: program.id });
    const customer = await newCustomer(world);
    await world.services.memberships.joinProgram(customer.caller, program.id);
    const memberCode = async () => (await world.services.memberships.issueMemberCode(customer.caller, program.id, PASSWORD)).code;
    await world.services.points.settlePoints(register, await memberCode(), 5000, 0, `cash-${key}`);
    await world.services.customers.setConfirmAbove(customer.caller, 0);
    const { code } = await world.services.codes.issuePaymentCode(customer.caller, customer.card.id, PASSWORD, null);
    const pending = await world.services.payments.redeemCode(register, code, JPY(1000), key, { memberCode: await memberCode(), redeemPoints: 100 });
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    const payment = await world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: pending.id }));
    const balance = async () => (await world.services.memberships.memberships(customer.caller))[0].points;
    const settlement = () => world.deps.db.read((m) => m.findOneByOrFail(PointSettlementEntity, { id: payment.pointsSettlementId! }), { fresh: true });
    return { payment, balance, settlement };
  }

  it("point settlement: a settle and a release of one hold at once, exactly one leaves HELD and the points follow it", async () => {
    const { payment, balance, settlement } = await heldPayment("race-hold-1");
    expect(await balance()).toBe(400);
    const points = new PaymentPointsService(world.deps, world.services.codes);
    await Promise.all([world.deps.db.tx((tx) => points.settle(tx, payment)), world.deps.db.tx((tx) => points.release(tx, payment))]);
    const { state } = await settlement();
    expect(["SETTLED", "RELEASED"]).toContain(state);
    // Settled: 100 redeemed and 90 earned on the 900 the card pays; released: all 500 back, nothing earned.
    expect(await balance()).toBe(state === "SETTLED" ? 490 : 500);
  });

  it("point settlement: the UPDATE made from the table changes a HELD row once, whichever move comes first", async () => {
    const { payment, settlement } = await heldPayment("race-hold-2");
    const changed = await Promise.all([
      write(POINT_SETTLEMENT_UPDATE("settle", payment.pointsSettlementId!)),
      write(POINT_SETTLEMENT_UPDATE("release", payment.pointsSettlementId!)),
    ]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect((await settlement()).state).toBe(changed[0] === 1 ? "SETTLED" : "RELEASED");
  });

  /** A confirmation request as a waiting payment opens it, due `ttl` from now. */
  async function openRequest(ttl = MINUTE) {
    const request = Object.assign(new ConfirmationRequestEntity(), {
      id: newId(),
      paymentId: newId(),
      customerId: newId(),
      storeId: newId(),
      expiresAt: new Date(clock.now().getTime() + ttl),
      answer: null,
      answeredAt: null,
      createdAt: clock.now(),
    });
    await world.deps.db.tx(async (tx) => tx.add(ConfirmationRequestEntity, request));
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(ConfirmationRequestEntity, { id: request.id }), { fresh: true });
    return { request, read };
  }

  it("confirmation: the phone's answer and the expiry at once, from two instances whose clocks straddle the expiry, exactly one is recorded", async () => {
    const { request, read } = await openRequest();
    const justBefore = new Date(request.expiresAt.getTime() - 1);
    const justAfter = new Date(request.expiresAt.getTime() + 1);
    const changed = await Promise.all([
      write(CONFIRMATION_MOVES.update("approve", byId(request.id), { now: justBefore })),
      write(CONFIRMATION_MOVES.update("expire", byId(request.id), { now: justAfter })),
    ]);
    expect(changed.reduce((a, b) => a + b)).toBe(1);
    expect((await read()).answer).toBe(changed[0] === 1 ? "APPROVED" : "EXPIRED");
  });

  it("confirmation: a rejection on the phone and the register's void at once, exactly one is recorded", async () => {
    const { request, read } = await openRequest();
    const confirmations = world.services.confirmations;
    const won = await Promise.all([
      world.deps.db.tx((tx) => confirmations.answer(tx, request.id, "REJECTED")),
      world.deps.db.tx((tx) => confirmations.cancel(tx, request.paymentId)),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await read()).answer).toBe(won[0] ? "REJECTED" : "CANCELLED");
  });

  it("confirmation: the phone answers only before the expiry, and the sweeper expires only from it on", async () => {
    const { request, read } = await openRequest();
    const confirmations = world.services.confirmations;
    // Not due yet: an expiry (from an instance that read it as due on a clock ahead) changes nothing.
    expect(await confirmations.expire(request)).toBe(false);
    expect((await read()).answer).toBeNull();
    clock.advance(MINUTE);
    expect(await world.deps.db.tx((tx) => confirmations.answer(tx, request.id, "APPROVED"))).toBe(false);
    expect((await read()).answer).toBeNull();
  });

  /** An outbox message due now, for nobody's handler (the service world does not run its outbox). */
  async function dueMessage() {
    const message = Object.assign(new OutboxMessageEntity(), {
      id: newId(),
      topic: "race.test",
      destination: "race",
      payload: {},
      attempts: 0,
      nextAttemptAt: clock.now(),
      lockedUntil: null,
      leaseId: null,
      lastError: null,
      createdAt: clock.now(),
      deliveredAt: null,
      deadAt: null,
      revivedAt: null,
    });
    await world.deps.db.tx(async (tx) => tx.add(OutboxMessageEntity, message));
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(OutboxMessageEntity, { id: message.id }), { fresh: true });
    return { message, read };
  }

  it("outbox: two leases of one due message at once, exactly one instance gets it", async () => {
    const { message, read } = await dueMessage();
    const now = clock.now();
    const lockedUntil = new Date(now.getTime() + MINUTE);
    const changed = await Promise.all(
      ["lease-a", "lease-b"].map((leaseId) => write(OUTBOX_MOVES.update("lease", byId(message.id), { now, leaseId, lockedUntil }))),
    );
    expect([...changed].sort()).toEqual([0, 1]);
    expect(["lease-a", "lease-b"]).toContain((await read()).leaseId);
  });

  it("outbox: a failure recorded under a lease another instance took since changes nothing", async () => {
    const { message, read } = await dueMessage();
    const now = clock.now();
    expect(await write(OUTBOX_MOVES.update("lease", byId(message.id), { now, leaseId: "first", lockedUntil: now }))).toBe(1);
    const later = new Date(now.getTime() + 1);
    expect(await write(OUTBOX_MOVES.update("lease", byId(message.id), { now: later, leaseId: "second", lockedUntil: new Date(later.getTime() + MINUTE) }))).toBe(1);
    const failure = { now: later, leaseId: "first", attempts: 1, lastError: "boom", nextAttemptAt: later };
    const recorded = await Promise.all([write(OUTBOX_MOVES.update("retry", byId(message.id), failure)), write(OUTBOX_MOVES.update("giveUp", byId(message.id), failure))]);
    expect(recorded).toEqual([0, 0]);
    expect(await read()).toMatchObject({ leaseId: "second", attempts: 0, deadAt: null });
  });

  it("ticket: two uses of a one-use ticket at once, exactly one takes it", async () => {
    const { hq: shop } = await newPartner(world, "Budokan Tickets");
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: clock.now(), startsAt: new Date(clock.now().getTime() + 60 * MINUTE) });
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber: "R-1", holderPhone: fan.phoneNumber });
    const row = await world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }));
    const use = (gate: number) => write(TICKET_USE_MOVES.update("use", byId(ticket.id), { at: new Date(clock.now().getTime() + gate), now: clock.now(), version: row.holderVersion, spacingMs: 0 }));
    const changed = await Promise.all([use(0), use(1)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }), { fresh: true })).toMatchObject({ usesLeft: 0, inside: 1 });
  });
});

const POINT_SETTLEMENT_UPDATE = (move: "settle" | "release", id: string) => POINT_SETTLEMENT_MOVES.update(move, byId(id), {});
