import { LessThan, type EntityManager } from "typeorm";
import { CardEntity, IdempotencyRecordEntity, LedgerEntryEntity, PaymentEntity, StoreEntity } from "../entities";
import type { LedgerEntryType } from "../entities/ledger-entry.entity";
import { affectedRows } from "../database";
import type { CardService } from "./card.service";
import type { Caller, RegisterCaller } from "./caller";
import type { CodeService } from "./code.service";
import type { ServiceDeps } from "./deps";
import { ErrorCode, badInput, fail, notFound } from "./errors";
import { requireCustomerOrRegister, requireRegister } from "./guards";
import type { IdempotencyService } from "./idempotency.service";
import { newId } from "./ids";
import { DECLINE, type AuthorizationResult, type TransactionReport } from "./institutions/institution";
import type { OutboxService } from "./outbox.service";
import { normalizeSale, type SaleInput } from "./sale";
import { assertTransition, type PaymentStatus } from "./states";

export const OUTBOX_REPORT = "institution.report";
export const OUTBOX_REVERSE = "institution.reverse";

export interface PaymentPage {
  nodes: PaymentEntity[];
  nextCursor: string | null;
}

/**
 * Payments: a code redeemed at a register becomes a sale the institution approves or
 * declines. The order of work is the point of this class:
 *   1. one transaction claims the code and writes the payment as PROCESSING;
 *   2. the institution is asked with no transaction or lock open;
 *   3. one transaction records the answer, the ledger entry and the outbox report.
 * A payment left in PROCESSING by a crash between 1 and 3 is reversed by `recover`.
 */
export class PaymentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly cards: CardService,
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxService,
  ) {}

  async redeemCode(caller: Caller, code: string, saleInput: SaleInput, idempotencyKey: string): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    await this.deps.rateLimits.consume("codeUsePerRegister", register.apiKeyId);
    const store = await this.storeOf(register);
    const sale = normalizeSale(saleInput, store.currency);
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "redeemCode",
      request: { code: this.codes.hash(code.trim()), sale },
      load: (id) => this.load(id),
      work: async (attach) => {
        const payment = await this.deps.db.tx(async (m) => {
          const entity = this.codes.requireKind(await this.codes.findUsable(m, code), "PAYMENT");
          if (entity.maxAmount !== null && sale.amount > entity.maxAmount) {
            fail(ErrorCode.AMOUNT_OVER_LIMIT, "The sale is above the limit the customer set on this code", {
              maxAmount: entity.maxAmount,
            });
          }
          const card = this.cards.requireAvailable(await m.findOneBy(CardEntity, { id: entity.cardId! }));
          await this.codes.claim(m, entity);
          const created = Object.assign(new PaymentEntity(), {
            id: newId(),
            status: "PROCESSING" as PaymentStatus,
            ...sale,
            storeId: store.id,
            storeName: store.name,
            customerId: entity.customerId,
            cardId: card.id,
            codeId: entity.id,
            cardInstitution: card.institution,
            cardBrand: card.brand,
            cardLast4: card.last4,
            approvalNumber: null,
            declineReason: null,
            createdAt: this.deps.clock.now(),
            decidedAt: null,
          });
          await m.insert(PaymentEntity, created);
          await attach(m, created.id);
          return { payment: created, card };
        });
        await this.authorizeAndRecord(payment.payment, payment.card);
        return payment.payment.id;
      },
    });
  }

  /** Asks the institution (outside any transaction) and records the answer. */
  private async authorizeAndRecord(payment: PaymentEntity, card: CardEntity): Promise<void> {
    const result = await this.authorize(payment, card);
    const timedOut = result === "timeout";
    const decision: AuthorizationResult = timedOut ? { approved: false, reason: DECLINE.processingError } : result;
    const now = this.deps.clock.now();
    await this.deps.db.tx(async (m) => {
      const moved = await this.move(m, payment.id, "PROCESSING", decision.approved ? "APPROVED" : "DECLINED", {
        approvalNumber: decision.approved ? decision.approvalNumber : null,
        declineReason: decision.approved ? null : decision.reason,
        decidedAt: now,
      });
      if (!moved) return; // recovery settled it first
      if (decision.approved) {
        await this.addLedger(m, payment, "SALE", payment.amount);
        await this.outbox.enqueue(m, OUTBOX_REPORT, this.report(payment, "SALE", decision.approvalNumber));
      } else if (timedOut) {
        // The institution may have approved after we stopped listening: undo it.
        await this.outbox.enqueue(m, OUTBOX_REVERSE, { paymentId: payment.id });
      }
    });
    this.outbox.wake();
  }

  private async authorize(payment: PaymentEntity, card: CardEntity): Promise<AuthorizationResult | "timeout"> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.deps.config.institutionTimeoutMs);
    try {
      return await this.deps.institution.authorize(
        {
          paymentId: payment.id,
          pan: this.cards.decryptPan(card),
          expiryMonth: card.expiryMonth,
          expiryYear: card.expiryYear,
          amount: payment.amount,
          currency: payment.currency,
          merchantName: payment.storeName,
        },
        abort.signal,
      );
    } catch (error) {
      if (abort.signal.aborted) return "timeout";
      // A transport failure is an unknown outcome, handled like a timeout.
      this.deps.logger.error({ paymentId: payment.id, err: (error as Error).name }, "institution call failed");
      return "timeout";
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cancels an approved sale before settlement: the authorization is reversed. */
  voidPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    return this.settleAfterApproval(caller, paymentId, "VOIDED", idempotencyKey);
  }

  /** Gives the money back on an approved sale; the institution is told by a report. */
  refundPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    return this.settleAfterApproval(caller, paymentId, "REFUNDED", idempotencyKey);
  }

  private async settleAfterApproval(
    caller: Caller,
    paymentId: string,
    to: "VOIDED" | "REFUNDED",
    idempotencyKey?: string | null,
  ): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    const operation = to === "VOIDED" ? "voidPayment" : "refundPayment";
    const work = async () => {
      await this.deps.db.tx(async (m) => {
        const payment = await m.findOneBy(PaymentEntity, { id: paymentId });
        if (!payment || payment.storeId !== register.storeId) return notFound("payment");
        if (payment.status === to) return; // already done: the same answer again
        assertTransition(payment.status, to);
        const moved = await this.move(m, payment.id, "APPROVED", to, {});
        if (!moved) fail(ErrorCode.BAD_USER_INPUT, "The payment changed meanwhile; read it again");
        const kind = to === "VOIDED" ? "VOID" : "REFUND";
        await this.addLedger(m, payment, kind, -payment.amount);
        await this.outbox.enqueue(m, OUTBOX_REPORT, this.report(payment, kind, payment.approvalNumber!));
        if (to === "VOIDED") await this.outbox.enqueue(m, OUTBOX_REVERSE, { paymentId: payment.id });
      });
      this.outbox.wake();
      return paymentId;
    };
    if (!idempotencyKey) return this.load(await work());
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation,
      request: { paymentId },
      load: (id) => this.load(id),
      work,
    });
  }

  /** A phone's own history, or a register's store's, newest first. */
  async list(caller: Caller, first: number, after: string | null): Promise<PaymentPage> {
    const who = requireCustomerOrRegister(caller);
    if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
    const afterId = after ? decodeCursor(after) : null;
    const rows = await this.deps.db.read((m) => {
      const owner = who.kind === "customer" ? { customerId: who.customerId } : { storeId: who.storeId };
      return m.find(PaymentEntity, {
        where: afterId ? { ...owner, id: LessThan(afterId) } : owner,
        order: { id: "DESC" },
        take: first + 1,
      });
    });
    const nodes = rows.slice(0, first);
    return { nodes, nextCursor: rows.length > first ? encodeCursor(nodes[nodes.length - 1].id) : null };
  }

  /** One payment, if the caller may see it (its customer, or a register of its store). */
  async get(caller: Caller, id: string): Promise<PaymentEntity | null> {
    const who = requireCustomerOrRegister(caller);
    const payment = await this.deps.db.read((m) => m.findOneBy(PaymentEntity, { id }));
    if (!payment) return null;
    const mine = who.kind === "customer" ? payment.customerId === who.customerId : payment.storeId === who.storeId;
    return mine ? payment : null;
  }

  /**
   * Settles payments a crash left in PROCESSING for longer than any institution call
   * can take: declined as processing_error, with a reversal through the outbox, so an
   * authorization the institution may have made is undone. Runs at start and then
   * periodically (another instance may have crashed).
   */
  async recover(): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - this.deps.config.recoveryAfterMs);
    const stuck = await this.deps.db.read((m) =>
      m.find(PaymentEntity, { where: { status: "PROCESSING", createdAt: LessThan(cutoff) }, take: 100 }),
    );
    let settled = 0;
    for (const payment of stuck) {
      const moved = await this.deps.db.tx(async (m) => {
        const ok = await this.move(m, payment.id, "PROCESSING", "DECLINED", {
          declineReason: DECLINE.processingError,
          decidedAt: this.deps.clock.now(),
        });
        if (!ok) return false;
        await this.outbox.enqueue(m, OUTBOX_REVERSE, { paymentId: payment.id });
        await m.update(IdempotencyRecordEntity, { resultId: payment.id, state: "IN_PROGRESS" }, { state: "DONE" });
        return true;
      });
      if (moved) {
        settled++;
        this.deps.logger.warn({ paymentId: payment.id }, "interrupted payment reversed");
      }
    }
    if (settled > 0) this.outbox.wake();
    return settled;
  }

  /** Registers the outbox handlers that talk to the institution after the fact. */
  registerOutboxHandlers(): void {
    this.outbox.register(OUTBOX_REPORT, (p) => this.deps.institution.report(p as unknown as TransactionReport));
    this.outbox.register(OUTBOX_REVERSE, (p) => this.deps.institution.reverse(String(p.paymentId)));
  }

  load(id: string): Promise<PaymentEntity> {
    return this.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id }));
  }

  /** A status move that happens only from the expected status (the row decides). */
  private async move(
    m: EntityManager,
    id: string,
    from: PaymentStatus,
    to: PaymentStatus,
    fields: Partial<PaymentEntity>,
  ): Promise<boolean> {
    assertTransition(from, to);
    const result = await m
      .createQueryBuilder()
      .update(PaymentEntity)
      .set({ ...fields, status: to })
      .where("id = :id AND status = :from", { id, from })
      .execute();
    return affectedRows(result) === 1;
  }

  private async addLedger(m: EntityManager, payment: PaymentEntity, entryType: LedgerEntryType, amount: number) {
    await m.insert(LedgerEntryEntity, {
      id: newId(),
      paymentId: payment.id,
      customerId: payment.customerId,
      storeId: payment.storeId,
      entryType,
      amount,
      currency: payment.currency,
      createdAt: this.deps.clock.now(),
    });
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

  private async storeOf(register: RegisterCaller): Promise<StoreEntity> {
    const store = await this.deps.db.read((m) => m.findOneBy(StoreEntity, { id: register.storeId }));
    return store ?? notFound("store");
  }
}

const encodeCursor = (id: string) => Buffer.from(id).toString("base64url");

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) badInput("after is not a cursor from this API", { field: "after" });
  return id;
}

