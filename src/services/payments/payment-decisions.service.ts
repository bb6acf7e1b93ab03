import { IsNull, LessThan } from "typeorm";
import { row, type AtCommit, type Tx } from "../../database";
import { CardEntity, LedgerEntryEntity, PaymentEntity, RefundEntity } from "../../entities";
import type { LedgerEntryType } from "../../entities/ledger-entry.entity";
import type { CardService } from "../cards/card.service";
import type { ChargeCard } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import type { Notice } from "../kernel/notices";
import { newId } from "../kernel/ids";
import { DECLINE, type AuthorizationResult, type TransactionReport } from "../institutions/institution";
import { askWithin, NO_ANSWER } from "../institutions/ask-within";
import { defaultDestination, type OutboxService } from "../delivery/outbox.service";
import { ProcessingLeases, type Lease } from "../kernel/processing-leases";
import type { StoreWebhooks } from "./store-webhooks";
import type { PaymentHolds } from "./payment-holds";
import type { SignedReceipt } from "../../../clients/wire/receipt";
import type { PaymentReceipts } from "./payment-receipts";
import { PAYMENT_MOVES, paymentMove, type DecisionFields } from "./payment-states";
import { type PaymentStatus } from "../../entities/value-lists";
import { byId } from "../kernel/status-table";
import type { StoreDaySums } from "../kernel/store-day-sums.service";

/**
 * Payments PROCESSING from before deadlines were recorded (an instance of an older
 * version may still be inserting them during a rolling upgrade) are judged by age.
 */
const UNDATED_PROCESSING_AFTER_MS = 30_000;

/**
 * A decision's transaction runs again after a COMMIT whose answer was lost with its
 * connection (a database node failed under it), on the next node: its move is
 * conditional on PROCESSING, so a run after one that did commit moves nothing and writes
 * nothing, and the decision is read back (`decidedElsewhere`). Without it, a node's loss
 * at that moment would leave an answered payment to recovery, which reverses it.
 */
const DECISION_TX = { repeatable: true } as const;

/** A payment after a refund: its status and totals as that refund left them. */
export interface RefundedPayment {
  status: PaymentStatus;
  refundedAmount: number;
  refundedBefore: number;
}

export const OUTBOX_REPORT = "institution.report";
export const OUTBOX_REVERSE = "institution.reverse";
export const OUTBOX_CAPTURE = "institution.capture";
export const OUTBOX_RELEASE = "institution.release";

/** A sale made with capture later (redeemCode capture: false): its approval is an authorization. */
export const capturesLater = (payment: PaymentEntity): boolean => payment.authorizedAmount != null;

/**
 * The payment's way through the card institution, shared by every flow that ends in a
 * charge (a redeemed code, a confirmed request):
 *   - the payment is already PROCESSING, committed, with no transaction open;
 *   - the institution is asked, with a timeout;
 *   - one transaction, sent whole with its COMMIT, records the answer and, only if the
 *     answer is still this instance's to record, the ledger entry and the outbox report;
 *   - once it has committed, this instance delivers the report and subscribers are told.
 * A payment left in PROCESSING by a crash is reversed by `recover`, once past its
 * processing deadline: the moment the instance that asked stops waiting for the answer.
 */
export class PaymentDecisions {
  /** The payments this instance is working on, for every instance's recovery to see. */
  readonly leases: ProcessingLeases;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly cards: CardService,
    private readonly outbox: OutboxService,
    private readonly storeWebhooks: StoreWebhooks,
    /** What payments hold for the domains above (payment-holds.ts): moved with each decision. */
    readonly holds: PaymentHolds,
    /** Each decision's signed receipt, issued in its transaction (payment-receipts.ts). */
    private readonly receipts: PaymentReceipts,
    /** The store's day sums, moved with each ledger entry. */
    private readonly storeDays: StoreDaySums,
  ) {
    this.leases = new ProcessingLeases(deps.clock, deps.leaseStore ?? null);
  }

  /** The receipt this payment object was decided with here, so its answer needs no read (payment-receipts.ts). */
  issuedReceipt(payment: object): SignedReceipt | undefined {
    return this.receipts.issuedWith(payment);
  }

  /**
   * A payment its transaction moved to PROCESSING, read as committed anywhere: one that is
   * not PROCESSING (settled meanwhile, or a move whose COMMIT did not commit) is not asked.
   */
  async authorizeAndRecordById(paymentId: string): Promise<PaymentEntity> {
    const payment = await this.load(paymentId);
    if (payment.status !== "PROCESSING") return payment;
    const card = await this.deps.db.read((m) => m.findOneByOrFail(CardEntity, { id: payment.cardId }));
    return this.authorizeAndRecord(payment, card);
  }

  /**
   * `payment` is PROCESSING and committed; returns it as decided. Under `lease` when the
   * caller holds the payment's already (from before its PROCESSING commit), else its own.
   */
  async authorizeAndRecord(payment: PaymentEntity, card: ChargeCard, lease?: Lease): Promise<PaymentEntity> {
    if (!lease) return this.leases.hold(payment.id, (own) => this.authorizeAndRecord(payment, card, own));
    lease.waitUntil(this.deps.clock.now().getTime() + this.deps.config.institutionTimeoutMs);
    const result = await this.authorize(payment, card);
    lease.answered();
    const timedOut = result === "timeout";
    const decision: AuthorizationResult = timedOut ? { approved: false, reason: DECLINE.processingError } : result;
    const later = capturesLater(payment);
    const outcome: Partial<PaymentEntity> = {
      status: decision.approved ? (later ? "AUTHORIZED" : "APPROVED") : "DECLINED",
      approvalNumber: decision.approved ? decision.approvalNumber : null,
      declineReason: decision.approved ? null : decision.reason,
      decidedAt: this.deps.clock.now(),
    };
    const decided = Object.assign(new PaymentEntity(), payment, outcome);
    // Known before the transaction (kept per store), so telling the store and its day adds no round trip.
    const [, zone] = await Promise.all([this.storeWebhooks.hasWebhook(payment.storeId), this.storeDays.zoneOf(payment.storeId)]);
    if (this.holds.any(payment)) return this.recordWithHolds(payment, decided, decision, timedOut, outcome, zone);
    // One round trip: the decision, and with it (only if it is still this instance's to
    // make: recovery may have settled the payment first) the ledger entry and the report,
    // or the reversal of an authorization the institution may have made after we stopped
    // listening. Both leave once the transaction commits.
    const moved = await this.deps.db.tx(async (tx) => {
      const moved = this.moveAtCommit(tx, payment.id, "PROCESSING", decided.status, outcome);
      // An authorization (capture later) is no sale yet: its ledger entry and report come with the capture.
      if (decision.approved && !later) {
        this.enter(tx, payment, "SALE", payment.amount, zone, moved);
        this.outbox.send(tx, OUTBOX_REPORT, this.report(payment, "SALE", decision.approvalNumber), { onlyIf: moved });
      } else if (timedOut) {
        this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id }, { onlyIf: moved });
      }
      const kind = decision.approved ? (later ? "payment.authorized" : "payment.approved") : "payment.declined";
      const receipt = this.receipts.issue(tx, kind, decided, { onlyIf: moved });
      await this.storeWebhooks.tell(tx, kind, decided, { onlyIf: moved, receipt });
      this.deps.notices?.tell(tx, payment.customerId, paymentNotice(decided), { onlyIf: moved });
      tx.afterCommit(() => {
        if (moved.changed !== 1) return;
        this.deps.events.paymentChanged(decided);
        if (timedOut) this.deps.metrics.reversalQueued("timeout");
      });
      return moved;
    }, DECISION_TX);
    return moved.changed === 1 ? decided : this.decidedElsewhere(payment, decided, decision.approved || timedOut);
  }

  /**
   * The decision of a payment that holds something (payment-holds.ts): the move is sent on its own, so what it holds is settled (approved) or let go
   * (not charged) only by the transaction that made it. More round trips than a plain
   * payment, which never comes here.
   */
  private async recordWithHolds(
    payment: PaymentEntity,
    decided: PaymentEntity,
    decision: AuthorizationResult,
    timedOut: boolean,
    outcome: Partial<PaymentEntity>,
    zone: string,
  ): Promise<PaymentEntity> {
    const later = capturesLater(payment);
    const moved = await this.deps.db.tx(async (tx) => {
      if (!(await this.move(tx, payment.id, "PROCESSING", decided.status, outcome))) return false;
      if (decision.approved && later) {
        // An authorization: no sale yet, and what it holds stays held until its capture
        // (kept) or its release (given back).
      } else if (decision.approved) {
        this.enter(tx, payment, "SALE", payment.amount, zone);
        this.outbox.send(tx, OUTBOX_REPORT, this.report(payment, "SALE", decision.approvalNumber));
        await this.holds.settle(tx, payment);
      } else {
        if (timedOut) this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id });
        await this.holds.release(tx, payment);
      }
      const kind = decision.approved ? (later ? "payment.authorized" : "payment.approved") : "payment.declined";
      await this.storeWebhooks.tell(tx, kind, decided, { receipt: this.receipts.issue(tx, kind, decided) });
      this.deps.notices?.tell(tx, payment.customerId, paymentNotice(decided));
      tx.afterCommit(() => {
        this.deps.events.paymentChanged(decided);
        if (timedOut) this.deps.metrics.reversalQueued("timeout");
      });
      return true;
    }, DECISION_TX);
    return moved ? decided : this.decidedElsewhere(payment, decided, decision.approved || timedOut);
  }

  /**
   * The decision's move found the payment no longer PROCESSING: recovery settled it
   * first, or it is not there at all, which only a database that answered a COMMIT with
   * OK for a transaction that did not commit can make. Then nothing records the answer,
   * so an authorization the institution made (`mayBeAuthorized`) is reversed through the
   * outbox, and the call fails.
   */
  private async decidedElsewhere(payment: PaymentEntity, decided: PaymentEntity, mayBeAuthorized: boolean): Promise<PaymentEntity> {
    const current = await this.deps.db.read((m) => m.findOneBy(PaymentEntity, { id: payment.id }), { fresh: true });
    if (current) {
      // This decision, committed by a run whose COMMIT's answer was lost (DECISION_TX): its
      // live event was never sent; a second one after recovery's is harmless.
      if (current.status === decided.status && current.approvalNumber === decided.approvalNumber && current.declineReason === decided.declineReason) {
        this.deps.events.paymentChanged(current);
      }
      return current;
    }
    if (mayBeAuthorized) {
      await this.deps.db.tx(async (tx) => this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id }));
      this.deps.metrics.reversalQueued("missing");
    }
    this.deps.logger.error({ paymentId: payment.id }, "payment not found at its decision; its authorization is reversed");
    throw new PaymentMissingAtDecision();
  }

  /**
   * PENDING_CONFIRMATION -> VOIDED: the register cancelled a sale the phone had not
   * answered; nothing was charged. What it held is let go and the store is told.
   */
  async voidWaiting(tx: Tx, payment: PaymentEntity, decidedAt: Date): Promise<boolean> {
    if (!(await this.move(tx, payment.id, "PENDING_CONFIRMATION", "VOIDED", { decidedAt }))) return false;
    await this.holds.release(tx, payment);
    const voided = Object.assign(new PaymentEntity(), payment, { status: "VOIDED", decidedAt });
    await this.storeWebhooks.tell(tx, "payment.voided", voided, { receipt: this.receipts.issue(tx, "payment.voided", voided) });
    return true;
  }

  private async authorize(payment: PaymentEntity, card: ChargeCard): Promise<AuthorizationResult | "timeout"> {
    const timeoutMs = this.deps.config.institutionTimeoutMs;
    const asked = performance.now();
    try {
      const answer = await askWithin(timeoutMs, (signal) =>
        this.deps.institution.authorize(
          {
            paymentId: payment.id,
            pan: this.cards.decryptPan(card),
            expiryMonth: card.expiryMonth,
            expiryYear: card.expiryYear,
            amount: payment.amount,
            currency: payment.currency,
            merchantName: payment.storeName,
            ...(capturesLater(payment) ? { capture: false } : {}),
          },
          signal,
        ),
      );
      if (answer !== NO_ANSWER) return answer;
      // Said, so an operator sees each reversal's cause next to the payment it is for.
      this.deps.logger.warn({ paymentId: payment.id, waitedMs: Math.round(performance.now() - asked), timeoutMs }, "institution did not answer in time; the payment is declined and its authorization reversed");
      return "timeout";
    } catch (error) {
      // A transport failure is an unknown outcome, handled like a timeout.
      this.deps.logger.error({ paymentId: payment.id, err: (error as Error).name }, "institution call failed");
      return "timeout";
    }
  }

  /**
   * APPROVED -> VOIDED, with the negative ledger entry, the reversal and the report, in
   * the caller's transaction (of Db.tx). Like a sale's report, they are delivered by this
   * instance right after that transaction commits, not at the next poll; if it dies
   * first, a poller delivers them once their lease runs out.
   */
  async voidApproved(tx: Tx, payment: PaymentEntity): Promise<boolean> {
    const moved = await this.move(tx, payment.id, "APPROVED", "VOIDED", {});
    if (!moved) return false;
    this.enter(tx, payment, "VOID", -payment.amount, await this.storeDays.zoneOf(payment.storeId, tx));
    // The reversal first: it releases the customer's hold, the report only settles the books.
    this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id });
    tx.afterCommit(() => this.deps.metrics.reversalQueued("void"));
    this.outbox.send(tx, OUTBOX_REPORT, this.report(payment, "VOID", payment.approvalNumber!));
    // A void undoes the whole sale: what it held follows (points given back, a bill payable again).
    await this.holds.reverse(tx, payment, { before: 0, after: payment.amount, voided: true });
    const voided = Object.assign(new PaymentEntity(), payment, { status: "VOIDED" });
    await this.storeWebhooks.tell(tx, "payment.voided", voided, { receipt: this.receipts.issue(tx, "payment.voided", voided) });
    return true;
  }

  /**
   * AUTHORIZED -> APPROVED for `amount` (at most the authorized amount, which the row's
   * own UPDATE checks), in the caller's transaction: from here on the payment's amount is
   * the captured amount. The sale's ledger entry is made now, for that amount, so the
   * store's day, payouts and refunds follow it; the institution is told through the
   * outbox once the transaction commits. Null when the payment is no longer AUTHORIZED
   * (captured, released or voided meanwhile) or the amount passes what is authorized.
   */
  async capture(tx: Tx, payment: PaymentEntity, amount: number): Promise<PaymentEntity | null> {
    const at = this.deps.clock.now();
    const { sql, params } = PAYMENT_MOVES.update("capture", byId(payment.id), { amount, at });
    if ((await tx.write(sql, params)) !== 1) return null;
    const captured = Object.assign(new PaymentEntity(), payment, { status: "APPROVED" as const, amount, capturedAt: at });
    this.enter(tx, captured, "SALE", amount, await this.storeDays.zoneOf(payment.storeId, tx));
    // Charged now: what it held is kept, for the captured amount (a daily limit gives back the rest).
    await this.holds.settle(tx, captured, payment.amount);
    this.outbox.send(tx, OUTBOX_CAPTURE, { paymentId: payment.id, amount });
    await this.storeWebhooks.tell(tx, "payment.captured", captured, { receipt: this.receipts.issue(tx, "payment.captured", captured) });
    tx.afterCommit(() => this.deps.events.paymentChanged(captured));
    return captured;
  }

  /**
   * AUTHORIZED -> RELEASED in the caller's transaction: nothing was charged, so no ledger
   * entry; the institution lets the hold go through the outbox once it commits. False
   * when the payment is no longer AUTHORIZED (the row decides against a capture, a void
   * or another instance's sweep at the same moment).
   */
  async release(tx: Tx, payment: PaymentEntity): Promise<boolean> {
    if (!(await this.move(tx, payment.id, "AUTHORIZED", "RELEASED", {}))) return false;
    const released = Object.assign(new PaymentEntity(), payment, { status: "RELEASED" as const });
    this.outbox.send(tx, OUTBOX_RELEASE, { paymentId: payment.id });
    // Nothing was charged: what the payment held is let go (the day's total of a daily limit given back).
    await this.holds.release(tx, payment);
    await this.storeWebhooks.tell(tx, "payment.released", released, { receipt: this.receipts.issue(tx, "payment.released", released) });
    tx.afterCommit(() => this.deps.events.paymentChanged(released));
    return true;
  }

  /**
   * Refunds `amount` of an APPROVED or PARTIALLY_REFUNDED payment in the caller's
   * transaction: one conditional UPDATE adds it to the running total only if the total
   * stays within the amount paid, and sets the status by the total (the database decides
   * between refunds racing each other: the row's lock makes them take turns). Then the
   * refund's own row, its negative ledger entry and its report to the institution (sent
   * by this instance after the commit). Null when the refund no longer fits.
   */
  async refund(tx: Tx, payment: PaymentEntity, amount: number, idempotency: string | null): Promise<RefundedPayment | null> {
    const { sql, params } = PAYMENT_MOVES.update("refund", byId(payment.id), { amount });
    const changed = await tx.write(sql, params);
    if (changed !== 1) return null;
    // Read inside the transaction, after its own UPDATE: the total this refund made.
    const [after] = await tx.select<{ status: PaymentStatus; refundedAmount: number | string }>(
      "SELECT status, refundedAmount FROM payments WHERE id = ?",
      [payment.id],
    );
    const refundedAmount = Number(after.refundedAmount);
    const refund = Object.assign(new RefundEntity(), { id: newId(), paymentId: payment.id, amount, idempotency, createdAt: this.deps.clock.now() });
    tx.atCommit(row(RefundEntity, refund));
    this.enter(tx, payment, "REFUND", -amount, await this.storeDays.zoneOf(payment.storeId, tx));
    this.outbox.send(tx, OUTBOX_REPORT, { ...this.report(payment, "REFUND", payment.approvalNumber!), amount, refundId: refund.id });
    await this.holds.reverse(tx, payment, { before: refundedAmount - amount, after: refundedAmount, voided: false });
    const refunded = Object.assign(new PaymentEntity(), payment, { status: after.status, refundedAmount });
    const receipt = this.receipts.issue(tx, "payment.refunded", refunded, { refund: { id: refund.id, amount } });
    await this.storeWebhooks.tell(tx, "payment.refunded", refunded, { refund: { amount }, receipt });
    return { status: after.status, refundedAmount, refundedBefore: refundedAmount - amount };
  }

  /**
   * When a payment becoming PROCESSING now must have its answer: the institution call
   * starts right after the commit and is abandoned after INSTITUTION_TIMEOUT_MS.
   */
  processingDeadline(): Date {
    return new Date(this.deps.clock.now().getTime() + this.deps.config.institutionTimeoutMs);
  }

  /**
   * Settles payments a crash left in PROCESSING: those past their processing deadline by
   * RECOVERY_AFTER_MS, when no live instance can still be waiting on the institution for
   * them (the one that asked records a timeout itself). Declined as processing_error,
   * with a reversal through the outbox, so an authorization the institution may have made
   * is undone. Runs at start and then every second or so (another instance may crash).
   */
  async recover(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const cutoff = new Date(now - this.deps.config.recoveryAfterMs);
    const undatedCutoff = new Date(now - UNDATED_PROCESSING_AFTER_MS);
    const stuck = await this.deps.db.read((m) =>
      m.find(PaymentEntity, {
        where: [
          { status: "PROCESSING", processingDeadline: LessThan(cutoff) },
          { status: "PROCESSING", processingDeadline: IsNull(), createdAt: LessThan(undatedCutoff) },
        ],
        take: 100,
      }),
      // Another instance, on another database node, may have just settled some of them.
      { fresh: true },
    );
    let settled = 0;
    for (const payment of stuck) {
      // Its instance is alive and still on it (after a database stall, every deadline has passed).
      if (await this.leases.working(payment.id)) continue;
      const fields = { declineReason: DECLINE.processingError, decidedAt: this.deps.clock.now() };
      const declined = Object.assign(new PaymentEntity(), payment, { status: "DECLINED" as const }, fields);
      const moved = await this.deps.db.tx(async (tx) => {
        if (this.holds.any(payment)) {
          // What it holds is let go only if this transaction is the one that declines it.
          if (!(await this.move(tx, payment.id, "PROCESSING", "DECLINED", fields))) return false;
          this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id });
          await this.holds.release(tx, payment);
          await this.storeWebhooks.tell(tx, "payment.declined", declined, { receipt: this.receipts.issue(tx, "payment.declined", declined) });
          tx.afterCommit(() => this.deps.events.paymentChanged(declined));
          return true;
        }
        const moved = this.moveAtCommit(tx, payment.id, "PROCESSING", "DECLINED", fields);
        this.outbox.send(tx, OUTBOX_REVERSE, { paymentId: payment.id }, { onlyIf: moved });
        const receipt = this.receipts.issue(tx, "payment.declined", declined, { onlyIf: moved });
        await this.storeWebhooks.tell(tx, "payment.declined", declined, { onlyIf: moved, receipt });
        tx.afterCommit(() => {
          if (moved.changed === 1) this.deps.events.paymentChanged(declined);
        });
        return moved;
      });
      if (moved === true || (moved !== false && moved.changed === 1)) {
        settled++;
        this.deps.metrics.reversalQueued("recovery");
        this.deps.logger.warn({ paymentId: payment.id }, "interrupted payment reversed");
      }
    }
    return settled;
  }

  /**
   * Registers the outbox handlers that talk to the institution after the fact. A card
   * network takes every register's authorizations at once, and a report goes for every
   * payment: its destination has OUTBOX_INSTITUTION_IN_FLIGHT attempts under way. An
   * instance reports at most that many over the institution's latency a second: a
   * partner's four at 150 ms are 26, and 64 at 500 ms are 128, fewer than the payments one
   * instance decides, and the backlog would grow for as long as the load lasts.
   */
  registerOutboxHandlers(): void {
    this.outbox.allowInFlight(defaultDestination(OUTBOX_REPORT), this.deps.config.outboxInstitutionInFlight);
    this.outbox.register(OUTBOX_REPORT, (p, signal) => this.deps.institution.report(p as unknown as TransactionReport, signal));
    this.outbox.register(OUTBOX_REVERSE, (p, signal) => this.deps.institution.reverse(String(p.paymentId), signal));
    this.outbox.register(OUTBOX_CAPTURE, (p, signal) => this.deps.institution.capture(String(p.paymentId), Number(p.amount), signal));
    this.outbox.register(OUTBOX_RELEASE, (p, signal) => this.deps.institution.releaseAuthorization(String(p.paymentId), signal));
  }

  /** A payment as committed anywhere: another request, on another database node, may have just written it. */
  load(id: string): Promise<PaymentEntity> {
    return this.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id }), { fresh: true });
  }

  /**
   * A status move that happens only from the expected status (the row decides). A move
   * to PROCESSING sets the processing deadline.
   */
  async move(tx: Tx, id: string, from: PaymentStatus, to: PaymentStatus, fields: Partial<PaymentEntity>): Promise<boolean> {
    const { sql, params } = this.moveSql(id, from, to, fields);
    return (await tx.write(sql, params)) === 1;
  }

  /** The same move, sent with the transaction's COMMIT; it moved if it changed a row. */
  private moveAtCommit(tx: Tx, id: string, from: PaymentStatus, to: PaymentStatus, fields: Partial<PaymentEntity>): AtCommit {
    return tx.atCommit(this.moveSql(id, from, to, fields));
  }

  private moveSql(id: string, from: PaymentStatus, to: PaymentStatus, fields: Partial<PaymentEntity>) {
    const move = paymentMove(from, to);
    // The status is the move's own to write.
    const { status: _status, ...decided } = fields;
    const processingDeadline = move === "process" ? this.processingDeadline() : undefined;
    return PAYMENT_MOVES.update(move, byId(id), { fields: decided as DecisionFields, processingDeadline }, from);
  }

  /**
   * The ledger entry, with the COMMIT, and its store day's sum moved with it (in `zone`,
   * the store's); with `onlyIf`, both only if that write at commit changed a row.
   */
  private enter(tx: Tx, payment: PaymentEntity, entryType: LedgerEntryType, amount: number, zone: string, onlyIf?: AtCommit): void {
    const entry = Object.assign(new LedgerEntryEntity(), {
      id: newId(),
      paymentId: payment.id,
      customerId: payment.customerId,
      storeId: payment.storeId,
      entryType,
      amount,
      currency: payment.currency,
      createdAt: this.deps.clock.now(),
    });
    tx.atCommit(row(LedgerEntryEntity, entry), { onlyIf });
    const move = { storeId: entry.storeId, at: entry.createdAt, kind: entryType, institution: payment.cardInstitution, count: 1, amount };
    this.storeDays.add(tx, move, zone, { onlyIf });
  }

  private report(payment: PaymentEntity, kind: TransactionReport["kind"], approvalNumber: string): Record<string, unknown> {
    return {
      paymentId: payment.id,
      kind,
      amount: payment.amount,
      currency: payment.currency,
      approvalNumber,
      at: this.deps.clock.now().toISOString(),
    };
  }
}

/** A payment asked of the institution that its decision finds nowhere (see `decidedElsewhere`). */
export class PaymentMissingAtDecision extends Error {
  constructor() {
    super("the payment was not found when its decision was recorded; any authorization is reversed");
    this.name = "PaymentMissingAtDecision";
  }
}

/** A decided payment as the phone is told of it (no card number: its screen names the store and the amount). */
export function paymentNotice(payment: PaymentEntity): Notice {
  const { id: paymentId, status, amount, currency, storeName } = payment;
  return { kind: "payment", paymentId, status, amount, currency, storeName };
}
