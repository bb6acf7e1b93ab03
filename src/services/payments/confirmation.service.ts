import { IsNull, MoreThan } from "typeorm";
import { ConfirmationRequestEntity, PaymentEntity } from "../../entities";
import type { ConfirmationAnswer } from "../../entities/confirmation-request.entity";
import type { Tx } from "../../database";
import { CONFIRMATION_MOVES } from "./confirmation-states";
import { byId, sql as sqlOf } from "../kernel/status-table";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { RepeatAlone } from "../kernel/repeat-alone";
import type { PaymentDecisions } from "./payment-decisions.service";

export interface PendingConfirmation {
  request: ConfirmationRequestEntity;
  payment: PaymentEntity;
}

const SWEEP_BATCH = 100;

/** The move that records each answer. */
const MOVE_OF = { APPROVED: "approve", REJECTED: "reject", EXPIRED: "expire" } as const;

/**
 * The requests that ask a phone to confirm a payment: opened with the payment, answered
 * once (a conditional UPDATE on `answer`), or expired by the sweeper, which any server
 * instance may run because the same conditional UPDATE decides.
 */
export class ConfirmationService {
  /** Expires requests past their time, one sweep at a time. */
  private readonly sweeps: RepeatAlone;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly decisions: PaymentDecisions,
  ) {
    this.sweeps = new RepeatAlone(
      () => this.expireDue(),
      deps.config.confirmationSweepMs,
      (error) => deps.logger.error({ err: String(error) }, "confirmation sweep failed"),
    );
  }

  /**
   * Opens the request inside the transaction that creates the waiting payment, and tells
   * the phone with the app closed (a push: what the sheet shows, and the request's id).
   */
  async open(tx: Tx, payment: PaymentEntity): Promise<ConfirmationRequestEntity> {
    const now = this.deps.clock.now();
    const request = Object.assign(new ConfirmationRequestEntity(), {
      id: newId(),
      paymentId: payment.id,
      customerId: payment.customerId,
      storeId: payment.storeId,
      expiresAt: new Date(now.getTime() + this.deps.config.confirmationTtlSeconds * 1000),
      answer: null,
      answeredAt: null,
      createdAt: now,
    });
    await tx.insert(ConfirmationRequestEntity, request);
    this.deps.notices?.tell(tx, payment.customerId, {
      kind: "confirmation",
      requestId: request.id,
      paymentId: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      storeName: payment.storeName,
      cardBrand: payment.cardBrand,
      cardLast4: payment.cardLast4,
      expiresAt: request.expiresAt.toISOString(),
    });
    return request;
  }

  /** A phone's unanswered, unexpired requests: what a phone that subscribes late missed. */
  async pending(caller: Caller): Promise<PendingConfirmation[]> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.read(async (m) => {
      const requests = await m.find(ConfirmationRequestEntity, {
        where: { customerId, answer: IsNull(), expiresAt: MoreThan(this.deps.clock.now()) },
        order: { createdAt: "ASC" },
      });
      const payments = await Promise.all(requests.map((r) => m.findOneByOrFail(PaymentEntity, { id: r.paymentId })));
      return requests.map((request, i) => ({ request, payment: payments[i] }));
      // A register's request, on another database node, asked for these a moment ago.
    }, { fresh: true });
  }

  find(id: string): Promise<ConfirmationRequestEntity | null> {
    // Asked for by a register's request, which may have been on another database node.
    return this.deps.db.read((m) => m.findOneBy(ConfirmationRequestEntity, { id }), { fresh: true });
  }

  /**
   * Records the answer if there is none yet and its time allows it (CONFIRMATION_MOVES);
   * false when someone (or the sweeper) was first.
   */
  async answer(tx: Tx, requestId: string, answer: Exclude<ConfirmationAnswer, "CANCELLED">): Promise<boolean> {
    const { sql, params } = CONFIRMATION_MOVES.update(MOVE_OF[answer], byId(requestId), { now: this.deps.clock.now() });
    return (await tx.write(sql, params)) === 1;
  }

  /** The register voided the waiting sale: closes its request unless the phone (or the sweeper) was first. */
  async cancel(tx: Tx, paymentId: string): Promise<boolean> {
    const { sql, params } = CONFIRMATION_MOVES.update("cancel", sqlOf("paymentId = ?", paymentId), { now: this.deps.clock.now() });
    return (await tx.write(sql, params)) === 1;
  }

  /** Expires every request past its time (the rows CONFIRMATION_MOVES' expire takes): the payment becomes EXPIRED and both sides are told. */
  async expireDue(): Promise<number> {
    const { db, clock } = this.deps;
    const expirable = CONFIRMATION_MOVES.candidates("expire", { now: clock.now() });
    const rows = await db.select(`SELECT ${db.selectList(ConfirmationRequestEntity, "c")} FROM confirmation_requests c WHERE ${expirable.sql} LIMIT ${SWEEP_BATCH}`, expirable.params);
    const due = rows.map((row) => db.hydrate(ConfirmationRequestEntity, row)!);
    let expired = 0;
    for (const request of due) if (await this.expire(request)) expired++;
    return expired;
  }

  async expire(request: ConfirmationRequestEntity): Promise<boolean> {
    return this.deps.db.tx(async (tx) => {
      if (!(await this.answer(tx, request.id, "EXPIRED"))) return false;
      const moved = await this.decisions.move(tx, request.paymentId, "PENDING_CONFIRMATION", "EXPIRED", {
        decidedAt: this.deps.clock.now(),
      });
      if (!moved) return false;
      const expired = await tx.findOneByOrFail(PaymentEntity, { id: request.paymentId });
      await this.decisions.holds.release(tx, expired);
      tx.afterCommit(() => {
        this.deps.events.paymentChanged(expired);
        this.deps.metrics.confirmationExpired();
      });
      return true;
    });
  }

  start(): void {
    this.sweeps.start();
  }

  /** Stops the sweeps and waits for one under way. */
  stop(): Promise<void> {
    return this.sweeps.stop();
  }
}
