import { ManualClock } from "../../src/clock";
import { BillEntity, ConfirmationRequestEntity, OutboxMessageEntity, PaymentEntity, PointSettlementEntity, TicketEntity, TicketOfferEntity } from "../../src/entities";
import { CONFIRMATION_MOVES } from "../../src/services/payments/confirmation-states";
import { newId } from "../../src/services/kernel/ids";
import { OUTBOX_MOVES } from "../../src/services/delivery/outbox-states";
import { POINT_SETTLEMENT_MOVES } from "../../src/services/points/point-settlement-states";
import type { SaleInput } from "../../src/services/payments/sale";
import { byId, type Sql } from "../../src/services/kernel/status-table";
import { BILL_MOVES } from "../../src/services/bills/bill-states";
import { PAYMENT_MOVES } from "../../src/services/payments/payment-states";
import { TICKET_MOVES } from "../../src/services/tickets/ticket-states";
import { OFFER_MOVES } from "../../src/services/tickets/offer-states";
import { engines } from "../support/databases";
import { approvedSale as approvedSaleIn, newCustomer, newPartner, newStore, serviceWorld, type ServiceWorld } from "../support/service-world";
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
    const pending = await world.services.payments.redeemCode(register, code, JPY(1000), key, world.services.paymentPoints.requestFor({ memberCode: await memberCode(), redeemPoints: 100 }));
    expect(pending.status).toBe("PENDING_CONFIRMATION");
    const payment = await world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: pending.id }));
    const balance = async () => (await world.services.memberships.memberships(customer.caller))[0].points;
    const settlement = () => world.deps.db.read((m) => m.findOneByOrFail(PointSettlementEntity, { id: payment.pointsSettlementId! }), { fresh: true });
    return { payment, balance, settlement };
  }

  it("point settlement: a settle and a release of one hold at once, exactly one leaves HELD and the points follow it", async () => {
    const { payment, balance, settlement } = await heldPayment("race-hold-1");
    expect(await balance()).toBe(400);
    const points = world.services.paymentPoints;
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

  /** A card payment of `amount` yen, approved at once, and a fresh read of it. */
  async function approvedSale(amount: number) {
    const { payment } = await approvedSaleIn(world, amount);
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: payment.id }), { fresh: true });
    return { payment, read };
  }

  it("payment: two refunds whose sum passes the amount at once, exactly one is taken and the total stays within the amount", async () => {
    const { payment, read } = await approvedSale(1000);
    const refund = (amount: number) => write(PAYMENT_MOVES.update("refund", byId(payment.id), { amount }));
    const changed = await Promise.all([refund(600), refund(700)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: changed[0] === 1 ? 600 : 700 });
  });

  it("payment: two refunds that together make the amount at once, both are taken and the last makes it REFUNDED", async () => {
    const { payment, read } = await approvedSale(1000);
    const changed = await Promise.all([300, 700].map((amount) => write(PAYMENT_MOVES.update("refund", byId(payment.id), { amount }))));
    expect(changed).toEqual([1, 1]);
    expect(await read()).toMatchObject({ status: "REFUNDED", refundedAmount: 1000 });
  });

  it("payment: a void and a refund of one approved payment at once, exactly one leaves APPROVED", async () => {
    const { payment, read } = await approvedSale(1000);
    const changed = await Promise.all([
      write(PAYMENT_MOVES.update("void", byId(payment.id), { fields: { decidedAt: clock.now() } }, "APPROVED")),
      write(PAYMENT_MOVES.update("refund", byId(payment.id), { amount: 1000 })),
    ]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject(changed[0] === 1 ? { status: "VOIDED", refundedAmount: 0 } : { status: "REFUNDED", refundedAmount: 1000 });
  });

  /** A card payment of `amount` yen authorized with capture later, and a fresh read of it. */
  async function authorizedSale(amount: number) {
    const shopper = await newCustomer(world);
    const { register } = await newStore(world);
    const { code } = await world.services.codes.issuePaymentCode(shopper.caller, shopper.card.id, PASSWORD, null);
    const payment = await world.services.payments.redeemCode(register, code, JPY(amount), `auth-${shopper.phoneNumber}`, null, { capture: false });
    expect(payment.status).toBe("AUTHORIZED");
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: payment.id }), { fresh: true });
    return { payment, read };
  }
  const capture = (id: string, amount: number) => write(PAYMENT_MOVES.update("capture", byId(id), { amount, at: clock.now() }));
  const release = (id: string) => write(PAYMENT_MOVES.update("release", byId(id), { fields: {} }, "AUTHORIZED"));

  it("payment: a capture and a release of one authorization at once, exactly one leaves AUTHORIZED", async () => {
    const { payment, read } = await authorizedSale(5000);
    const changed = await Promise.all([capture(payment.id, 4000), release(payment.id)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject(changed[0] === 1 ? { status: "APPROVED", amount: 4000, authorizedAmount: 5000 } : { status: "RELEASED", amount: 5000 });
  });

  it("payment: two captures of one authorization for different amounts at once, exactly one is taken, for its own amount", async () => {
    const { payment, read } = await authorizedSale(5000);
    const changed = await Promise.all([capture(payment.id, 1200), capture(payment.id, 3400)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject({ status: "APPROVED", amount: changed[0] === 1 ? 1200 : 3400 });
  });

  it("payment: two releases (a register's and the sweep's) at once, exactly one moves it; a capture above the authorization changes nothing", async () => {
    const { payment, read } = await authorizedSale(5000);
    expect(await capture(payment.id, 5001)).toBe(0);
    const changed = await Promise.all([release(payment.id), release(payment.id)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject({ status: "RELEASED", amount: 5000 });
    expect(await capture(payment.id, 100)).toBe(0);
  });

  it("payment: a void of a captured sale and a refund at once, exactly one leaves APPROVED, for the captured amount", async () => {
    const { payment, read } = await authorizedSale(5000);
    expect(await capture(payment.id, 2000)).toBe(1);
    const changed = await Promise.all([
      write(PAYMENT_MOVES.update("void", byId(payment.id), { fields: {} }, "APPROVED")),
      write(PAYMENT_MOVES.update("refund", byId(payment.id), { amount: 2000 })),
    ]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject(changed[0] === 1 ? { status: "VOIDED", refundedAmount: 0 } : { status: "REFUNDED", refundedAmount: 2000 });
    // Not a yen more than was captured.
    expect(await write(PAYMENT_MOVES.update("refund", byId(payment.id), { amount: 1 }))).toBe(0);
  });

  /** A bill of 8640 yen, due in a day, as its biller posts it. */
  async function openBill(reference: string) {
    const { hq } = await newPartner(world, "Tokyo Power & Gas");
    const shopper = await newCustomer(world);
    const posted = await world.services.bills.postBill(hq, { customerPhone: shopper.phoneNumber, reference, amount: 8640, currency: "JPY", dueDate: new Date(clock.now().getTime() + 24 * 60 * MINUTE) });
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(BillEntity, { id: posted.id }), { fresh: true });
    return { id: posted.id, read };
  }
  const store = () => ({ now: clock.now(), paidAt: clock.now(), paidAtStoreId: newId(), paidAtStoreName: "FamilyMart Meguro" });

  it("bill: a cash collection and a card payment's hold of one bill at once, exactly one takes it", async () => {
    const bill = await openBill("INV-RACE-1");
    const paymentId = newId();
    const changed = await Promise.all([write(BILL_MOVES.update("collect", byId(bill.id), store())), write(BILL_MOVES.update("hold", byId(bill.id), { now: clock.now(), paymentId }))]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await bill.read()).toMatchObject(changed[0] === 1 ? { status: "PAID", tender: "CASH", paymentId: null } : { status: "OPEN", paidAt: null, paymentId });
  });

  it("bill: its biller's cancellation and a card payment's hold at once, exactly one takes it; a held bill is neither cancelled nor collected", async () => {
    const bill = await openBill("INV-RACE-2");
    const paymentId = newId();
    const changed = await Promise.all([write(BILL_MOVES.update("cancel", byId(bill.id), { now: clock.now() })), write(BILL_MOVES.update("hold", byId(bill.id), { now: clock.now(), paymentId }))]);
    expect([...changed].sort()).toEqual([0, 1]);
    if (changed[1] === 1) {
      expect(await write(BILL_MOVES.update("cancel", byId(bill.id), { now: clock.now() }))).toBe(0);
      expect(await write(BILL_MOVES.update("collect", byId(bill.id), store()))).toBe(0);
    }
    expect((await bill.read()).status).toBe(changed[0] === 1 ? "CANCELLED" : "OPEN");
  });

  it("bill: the approval and the release of one hold at once, exactly one is recorded, and only for the payment that holds it", async () => {
    const bill = await openBill("INV-RACE-3");
    const paymentId = newId();
    expect(await write(BILL_MOVES.update("hold", byId(bill.id), { now: clock.now(), paymentId }))).toBe(1);
    expect(await write(BILL_MOVES.update("settle", byId(bill.id), { ...store(), paymentId: newId() }))).toBe(0);
    const changed = await Promise.all([write(BILL_MOVES.update("settle", byId(bill.id), { ...store(), paymentId })), write(BILL_MOVES.update("release", byId(bill.id), { now: clock.now(), paymentId }))]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await bill.read()).toMatchObject(changed[0] === 1 ? { status: "PAID", tender: "CARD", paymentId } : { status: "OPEN", paymentId: null });
  });

  it("bill: one that has fallen due is refused by the row itself, not by what a caller read before", async () => {
    const bill = await openBill("INV-RACE-4");
    const due = (await bill.read()).dueDate;
    const atDue = { now: due, paidAt: due, paidAtStoreId: newId(), paidAtStoreName: "FamilyMart Meguro" };
    expect(await write(BILL_MOVES.update("hold", byId(bill.id), { now: due, paymentId: newId() }))).toBe(0);
    expect(await write(BILL_MOVES.update("collect", byId(bill.id), atDue))).toBe(0);
    expect(await write(BILL_MOVES.update("cancel", byId(bill.id), { now: due }))).toBe(1);
  });

  it("ticket: two uses of a one-use ticket at once, exactly one takes it", async () => {
    const { hq: shop } = await newPartner(world, "Budokan Tickets");
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: clock.now(), startsAt: new Date(clock.now().getTime() + 60 * MINUTE) });
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber: "R-1", holderPhone: fan.phoneNumber });
    const row = await world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }));
    const use = (gate: number) => write(TICKET_MOVES.update("use", byId(ticket.id), { at: new Date(clock.now().getTime() + gate), now: clock.now(), version: row.holderVersion, spacingMs: 0 }));
    const changed = await Promise.all([use(0), use(1)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }), { fresh: true })).toMatchObject({ usesLeft: 0, inside: 1 });
  });

  /** A one-use ticket of a new event, held by a new fan, and its row as read now. */
  async function heldTicket(issueNumber: string) {
    const { hq: shop } = await newPartner(world, "Budokan Tickets");
    const event = await world.services.ticketEvents.createEvent(shop, { title: "Winter Live", venue: "Nippon Budokan", doorsOpenAt: clock.now(), startsAt: new Date(clock.now().getTime() + 60 * MINUTE) });
    const fan = await newCustomer(world);
    const { ticket } = await world.services.tickets.postTicket(shop, { eventId: event.id, issueNumber, holderPhone: fan.phoneNumber });
    const row = await world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }));
    const read = () => world.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticket.id }), { fresh: true });
    return { ticket, row, read };
  }

  it("ticket: two allotments of one ticket to different phones at once, exactly one passes it and the holder version moves once", async () => {
    const { ticket, row, read } = await heldTicket("R-2");
    const pass = (toPhone: string) => write(TICKET_MOVES.update("pass", byId(ticket.id), { toPhone, version: row.holderVersion, now: clock.now() }));
    const changed = await Promise.all([pass("+819011110001"), pass("+819011110002")]);
    expect([...changed].sort()).toEqual([0, 1]);
    const after = await read();
    expect(after.holderVersion).toBe(row.holderVersion + 1);
    expect(after.holderPhone).toBe(changed[0] === 1 ? "+819011110001" : "+819011110002");
  });

  it("ticket: an allotment and a gate's use at once, exactly one wins whole: a used ticket is not passed on, a passed one is not used by the old code", async () => {
    const { ticket, row, read } = await heldTicket("R-3");
    const [passed, used] = await Promise.all([
      write(TICKET_MOVES.update("pass", byId(ticket.id), { toPhone: "+819011110003", version: row.holderVersion, now: clock.now() })),
      write(TICKET_MOVES.update("use", byId(ticket.id), { at: clock.now(), now: clock.now(), version: row.holderVersion, spacingMs: 0 })),
    ]);
    expect(passed + used).toBe(1);
    const after = await read();
    if (passed) expect(after).toMatchObject({ usesLeft: 1, holderVersion: row.holderVersion + 1 });
    else expect(after).toMatchObject({ usesLeft: 0, holderVersion: row.holderVersion });
  });

  it("ticket: two revocations at once, exactly one revokes it; a revoked ticket is neither used nor passed on", async () => {
    const { ticket, row, read } = await heldTicket("R-4");
    const revoke = () => write(TICKET_MOVES.update("revoke", byId(ticket.id), { now: clock.now() }));
    const changed = await Promise.all([revoke(), revoke()]);
    expect([...changed].sort()).toEqual([0, 1]);
    const after = await read();
    expect(after.revokedAt).not.toBeNull();
    expect(after.holderVersion).toBe(row.holderVersion + 1);
    expect(await write(TICKET_MOVES.update("use", byId(ticket.id), { at: clock.now(), now: clock.now(), version: after.holderVersion, spacingMs: 0 }))).toBe(0);
    expect(await write(TICKET_MOVES.update("pass", byId(ticket.id), { toPhone: "+819011110004", version: after.holderVersion, now: clock.now() }))).toBe(0);
  });

  it("ticket: two give-backs of one use at once (an undone admission), exactly one returns it; an unused ticket gets none", async () => {
    const { ticket, row, read } = await heldTicket("R-5");
    expect(await write(TICKET_MOVES.update("giveBack", byId(ticket.id), { at: clock.now(), now: clock.now() }))).toBe(0);
    expect(await write(TICKET_MOVES.update("use", byId(ticket.id), { at: clock.now(), now: clock.now(), version: row.holderVersion, spacingMs: 0 }))).toBe(1);
    const giveBack = () => write(TICKET_MOVES.update("giveBack", byId(ticket.id), { at: clock.now(), now: clock.now() }));
    const changed = await Promise.all([giveBack(), giveBack()]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(await read()).toMatchObject({ usesLeft: 1, inside: 0 });
  });

  it("ticket offer: an accept and the giver's cancel at once, exactly one answers it; an expired one is accepted by no one", async () => {
    const { ticket, row } = await heldTicket("R-6");
    const offer = (expiresAt: Date) =>
      world.deps.db.tx(async (tx) => {
        const id = newId();
        const values = { id, ticketId: ticket.id, fromPhone: row.holderPhone, toPhone: "+819011110006", holderVersion: row.holderVersion, status: "OFFERED" as const, createdAt: clock.now(), expiresAt, decidedAt: null };
        await tx.insert(TicketOfferEntity, values);
        return id;
      });
    const id = await offer(new Date(clock.now().getTime() + 60 * MINUTE));
    const [accepted, cancelled] = await Promise.all([
      write(OFFER_MOVES.update("accept", byId(id), { phone: "+819011110006", now: clock.now() })),
      write(OFFER_MOVES.update("cancel", byId(id), { phone: row.holderPhone, now: clock.now() })),
    ]);
    expect(accepted + cancelled).toBe(1);
    const status = (await world.deps.db.read((m) => m.findOneByOrFail(TicketOfferEntity, { id }), { fresh: true })).status;
    expect(status).toBe(accepted ? "ACCEPTED" : "CANCELLED");
    const stale = await offer(clock.now());
    expect(await write(OFFER_MOVES.update("accept", byId(stale), { phone: "+819011110006", now: clock.now() }))).toBe(0);
    expect(await write(OFFER_MOVES.update("expire", byId(stale), { now: clock.now() }))).toBe(1);
  });
});

const POINT_SETTLEMENT_UPDATE = (move: "settle" | "release", id: string) => POINT_SETTLEMENT_MOVES.update(move, byId(id), {});
