import { LRUCache } from "lru-cache";
import { LessThan, type EntityManager } from "typeorm";
import { CardEntity, CustomerEntity, PaymentEntity, StoreEntity } from "../entities";
import type { CardService } from "./card.service";
import type { Caller, CustomerCaller, RegisterCaller } from "./caller";
import type { ChargeCard, CodeService } from "./code.service";
import type { ConfirmationService } from "./confirmation.service";
import type { CredentialService } from "./credential.service";
import type { ServiceDeps } from "./deps";
import { ErrorCode, badInput, fail, notFound } from "./errors";
import { requireCustomer, requireCustomerOrRegister, requireRegister } from "./guards";
import type { ClaimKey, IdempotencyService } from "./idempotency.service";
import { decodeCursor, encodeCursor } from "./cursor";
import { newId } from "./ids";
import { confirmPassword } from "./password-check";
import type { PaymentProcessor } from "./payment-processor";
import { normalizeSale, type Sale, type SaleInput } from "./sale";
import { assertTransition, type PaymentStatus } from "./states";
import { requirePhone } from "./validation";
import { useCode } from "./wrong-code-limit";

export interface PaymentPage {
  nodes: PaymentEntity[];
  nextCursor: string | null;
}

/**
 * Payments at a register: by a one-time code (`redeemCode`) or by phone number and card
 * selector (`requestPayment`). A payment goes to the institution at once, or, when the
 * customer wants to confirm it (above `confirmAbove`, or always for `requestPayment`),
 * waits in PENDING_CONFIRMATION until the phone answers. The institution call itself is
 * PaymentProcessor's, outside any transaction.
 */
export class PaymentService {
  /** Stores never change once created (no API edits them): read each once a minute at most. */
  private readonly stores = new LRUCache<string, StoreEntity>({ max: 10_000, ttl: 60_000 });

  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly cards: CardService,
    private readonly idempotency: IdempotencyService,
    private readonly processor: PaymentProcessor,
    private readonly confirmations: ConfirmationService,
    private readonly credentials: CredentialService,
  ) {}

  async redeemCode(caller: Caller, code: string, saleInput: SaleInput, idempotencyKey: string): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    return useCode(this.deps, register.apiKeyId, () => this.redeemAtRegister(register, code, saleInput, idempotencyKey));
  }

  private async redeemAtRegister(register: RegisterCaller, code: string, saleInput: SaleInput, idempotencyKey: string): Promise<PaymentEntity> {
    const store = await this.storeOf(register);
    const sale = normalizeSale(saleInput, store.currency);
    const codeHash = this.codes.hash(code.trim());
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "redeemCode",
      request: { code: codeHash, sale },
      requestUnderEarlierKeys: () => this.codes.earlierHashes(code).map((earlier) => ({ code: earlier, sale })),
      load: (id) => this.processor.load(id),
      settled: (payment) => payment.status !== "PROCESSING",
      work: async (claim) => {
        const paymentId = newId();
        const created = await this.deps.db.tx(async (m) => {
          // The key's claim, the code's read and the code's claim: one round trip.
          const found = await this.codes.claimPaymentCode(m, code, codeHash, (statements) => claim.with(m, paymentId, statements));
          const entity = found.entity;
          if (entity.maxAmount !== null && sale.amount > entity.maxAmount) {
            fail(ErrorCode.AMOUNT_OVER_LIMIT, "The sale is above the limit the customer set on this code", {
              maxAmount: entity.maxAmount,
            });
          }
          const card = this.cards.requireAvailable(found.card);
          const wait = found.confirmAbove !== null && sale.amount > found.confirmAbove;
          const payment = this.newPayment(paymentId, store, sale, card, wait ? "PENDING_CONFIRMATION" : "PROCESSING", entity.id);
          const sql = this.deps.db.sql(m);
          if (!wait) {
            await sql.finish([sql.insertStatement(PaymentEntity, payment)]);
            return { payment, card, request: null };
          }
          await sql.insert(PaymentEntity, payment);
          return { payment, card, request: await this.confirmations.open(m, payment) };
        });
        if (!created.request) return this.processor.authorizeAndRecord(created.payment, created.card);
        this.announceConfirmation(created.request, created.payment);
        return created.payment;
      },
    });
  }

  /**
   * A register asks a customer, by phone number and card selector, to confirm a sale.
   * An unknown phone number and a known one without that selector answer the same
   * NOT_FOUND after the same one query, and one register may push to one phone number
   * (enrolled or not) only so often.
   */
  async requestPayment(
    caller: Caller,
    phoneInput: string,
    cardSelector: string,
    saleInput: SaleInput,
    idempotencyKey: string,
  ): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    await this.deps.rateLimits.consume("paymentRequestPerRegister", register.apiKeyId);
    const phone = requirePhone(phoneInput);
    await this.deps.rateLimits.consume("paymentRequestPerPhonePerRegister", `${register.apiKeyId}:${phone}`);
    const store = await this.storeOf(register);
    const sale = normalizeSale(saleInput, store.currency);
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "requestPayment",
      request: { phone, cardSelector, sale },
      load: (id) => this.processor.load(id),
      work: async (claim) => {
        const paymentId = newId();
        const created = await this.deps.db.tx(async (m) => {
          await claim(m, paymentId);
          const card = await m
            .createQueryBuilder(CardEntity, "card")
            .innerJoin(CustomerEntity, "customer", "customer.id = card.customerId")
            .where("customer.phone = :phone AND card.selector = :cardSelector", { phone, cardSelector })
            .getOne();
          if (!card) return fail(ErrorCode.NOT_FOUND, "No card matches this phone number and selector");
          this.cards.requireAvailable(card);
          const payment = this.newPayment(paymentId, store, sale, card, "PENDING_CONFIRMATION", null);
          await m.insert(PaymentEntity, payment);
          const request = await this.confirmations.open(m, payment);
          return { payment, request };
        });
        this.announceConfirmation(created.request, created.payment);
        return created.payment;
      },
    });
  }

  /**
   * The phone's answer, with its password. Approve: the institution is asked and the
   * payment ends APPROVED or DECLINED. Reject: REJECTED_BY_CUSTOMER. Only the owner may
   * answer, and only once; an answer after the expiry finds the request EXPIRED, one
   * after the register cancelled finds the payment VOIDED. An approval is acted on only
   * if what may have changed while the phone was asked still holds, checked in the
   * transaction that acts on it: the card is AVAILABLE and the session is live.
   */
  async respondToConfirmation(caller: Caller, requestId: string, approve: boolean, password: string): Promise<PaymentEntity> {
    const session = requireCustomer(caller);
    const request = await this.confirmations.find(requestId);
    if (!request || request.customerId !== session.customerId) return notFound("confirmation request");
    await confirmPassword(this.deps, session, password);
    if (request.answer === null && request.expiresAt <= this.deps.clock.now()) await this.confirmations.expire(request);
    const answered = await this.deps.db.tx(async (m) => {
      if (approve) await this.requireStillPayable(m, session, request.paymentId);
      if (!(await this.confirmations.answer(m, request.id, approve ? "APPROVED" : "REJECTED"))) return false;
      return approve
        ? this.processor.move(m, request.paymentId, "PENDING_CONFIRMATION", "PROCESSING", {})
        : this.processor.move(m, request.paymentId, "PENDING_CONFIRMATION", "REJECTED_BY_CUSTOMER", {
            decidedAt: this.deps.clock.now(),
          });
    });
    if (!answered) {
      const current = await this.processor.load(request.paymentId);
      const why = current.status === "VOIDED" ? "The register cancelled this payment" : "This request was already answered or has expired";
      badInput(`${why} (payment ${current.status})`, { status: current.status });
    }
    if (approve) return this.processor.authorizeAndRecordById(request.paymentId);
    const rejected = await this.processor.load(request.paymentId);
    this.deps.events.paymentChanged(rejected);
    return rejected;
  }

  /**
   * Inside the approving transaction: the payment's card is still AVAILABLE (the customer
   * may have switched it off while the phone was asked) and the session is still live.
   */
  private async requireStillPayable(m: EntityManager, session: CustomerCaller, paymentId: string): Promise<void> {
    if (!(await this.credentials.sessionIsLive(m, session.sessionId))) fail(ErrorCode.UNAUTHENTICATED, "The session has ended");
    const payment = await m.findOneByOrFail(PaymentEntity, { id: paymentId });
    await this.cards.requireAvailableNow(m, payment.cardId);
  }

  /**
   * Cancels a sale before settlement: an approved one has its authorization reversed; one
   * still waiting for the phone is closed without asking the institution, and the phone
   * hears it.
   */
  voidPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    return this.reverseApproved(caller, paymentId, "VOIDED", idempotencyKey);
  }

  /** Gives the money back on an approved sale; the institution is told by a report. */
  refundPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    return this.reverseApproved(caller, paymentId, "REFUNDED", idempotencyKey);
  }

  private async reverseApproved(
    caller: Caller,
    paymentId: string,
    to: "VOIDED" | "REFUNDED",
    idempotencyKey?: string | null,
  ): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    const work = async (claim?: ClaimKey) => {
      const changed = await this.deps.db.tx(async (m) => {
        await claim?.(m, paymentId);
        const payment = await m.findOneBy(PaymentEntity, { id: paymentId });
        if (!payment || payment.storeId !== register.storeId) return notFound("payment");
        if (payment.status === to) return false; // already done: the same answer again
        if (payment.status === "PENDING_CONFIRMATION" && to === "VOIDED") {
          // The request's conditional UPDATE decides against a phone answering at the same moment.
          if (!(await this.confirmations.cancel(m, payment.id))) badInput("The customer answered meanwhile; read the payment again");
          return this.processor.move(m, payment.id, "PENDING_CONFIRMATION", "VOIDED", { decidedAt: this.deps.clock.now() });
        }
        // The move from the status read: BAD_USER_INPUT naming it unless the table has it
        // (the processor's own check is of APPROVED -> `to`, and its UPDATE decides races).
        assertTransition(payment.status, to);
        if (!(await this.processor.reverseApproved(m, payment, to))) {
          badInput("The payment changed meanwhile; read it again");
        }
        return true;
      });
      const payment = await this.processor.load(paymentId);
      if (changed) this.deps.events.paymentChanged(payment);
      return payment;
    };
    if (!idempotencyKey) return work();
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: to === "VOIDED" ? "voidPayment" : "refundPayment",
      request: { paymentId },
      load: (id) => this.processor.load(id),
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

  /** Settles payments a crash left half-way (see PaymentProcessor.recover). */
  recover(): Promise<number> {
    return this.processor.recover();
  }

  private announceConfirmation(request: Parameters<ConfirmationService["expire"]>[0], payment: PaymentEntity): void {
    this.deps.events.confirmationRequested(request, payment);
    this.deps.events.paymentChanged(payment);
  }

  private newPayment(id: string, store: StoreEntity, sale: Sale, card: ChargeCard, status: PaymentStatus, codeId: string | null) {
    return Object.assign(new PaymentEntity(), {
      id,
      status,
      ...sale,
      storeId: store.id,
      storeName: store.name,
      customerId: card.customerId,
      cardId: card.id,
      codeId,
      cardInstitution: card.institution,
      cardBrand: card.brand,
      cardLast4: card.last4,
      approvalNumber: null,
      declineReason: null,
      createdAt: this.deps.clock.now(),
      decidedAt: null,
      processingDeadline: status === "PROCESSING" ? this.processor.processingDeadline() : null,
    });
  }

  private async storeOf(register: RegisterCaller): Promise<StoreEntity> {
    const cached = this.stores.get(register.storeId);
    if (cached) return cached;
    const store = await this.deps.db.read((m) => m.findOneBy(StoreEntity, { id: register.storeId }));
    if (!store) return notFound("store");
    this.stores.set(store.id, store);
    return store;
  }
}
