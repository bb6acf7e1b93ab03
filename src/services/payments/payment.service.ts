import { LRUCache } from "lru-cache";
import { LessThan } from "typeorm";
import { isOutcomeUnknown, row, type Tx } from "../../database";
import { CardEntity, CustomerEntity, PaymentEntity, StoreEntity } from "../../entities";
import type { CardService } from "../cards/card.service";
import type { Approval } from "../kernel/approval";
import type { Caller, CustomerCaller, RegisterCaller } from "../kernel/caller";
import type { DeviceService } from "../devices/device.service";
import type { UserVerification, UserVerificationService } from "../devices/user-verification.service";
import type { ChargeCard, CodeService } from "../codes/code.service";
import type { ConfirmationService } from "./confirmation.service";
import type { CredentialService } from "../access/credential.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer, requireCustomerOrRegister, requireRegister } from "../kernel/guards";
import type { ClaimKey, IdempotencyService } from "../kernel/idempotency.service";
import { decodeCursor, encodeCursor } from "../kernel/cursor";
import { newId } from "../kernel/ids";
import type { PaymentDecisions } from "./payment-decisions.service";
import type { HoldMarks, HoldRequest, PaymentHolds } from "./payment-holds";
import { normalizeSale, type Sale, type SaleInput } from "./sale";
import { PAYMENT_MOVES, assertTransition } from "./payment-states";
import { type PaymentStatus } from "../../entities/value-lists";
import { requirePhone } from "../kernel/validation";
import { underWrongCodeLimit } from "../kernel/wrong-code-limit";
import { isOfflineToken, type OfflineTokenService } from "./offline-token.service";
import type { DailyLimitService } from "./daily-limit.service";
import { customerNumberOf } from "../kernel/customer-numbers.service";

/** A redeem's transaction, run again when its payment answered as committed is not there. */
const CREATE_ATTEMPTS = 3;

/**
 * A redeem's errors after which its payment, if it committed, was never taken to the
 * institution: its transaction's COMMIT answer was lost and the payment not found.
 */
const failedBeforeAsking = new WeakSet<object>();

/** What a redeem's transaction made: the payment, the card to charge, and whether it waits for the customer. */
interface Created {
  payment: PaymentEntity;
  card: ChargeCard;
  waits: boolean;
}

/**
 * A sale made by a domain above payments in the payment's first transaction, before the
 * payment code is taken (a bill collected by card: it claims the bill code, holds the bill
 * for this payment, which the marks name, and says what to charge). Its decisions are
 * that domain's registered hold (payment-holds.ts).
 */
export type SaleReservation = (tx: Tx, paymentId: string, store: StoreEntity) => Promise<{ marks: HoldMarks; sale: Sale }>;

export interface PaymentPage {
  nodes: PaymentEntity[];
  nextCursor: string | null;
}

/**
 * Payments at a register: by a one-time code (`redeemCode`) or by phone number and card
 * selector (`requestPayment`). A payment goes to the institution at once, or, when the
 * customer wants to confirm it (above `confirmAbove`, or always for `requestPayment`),
 * waits in PENDING_CONFIRMATION until the phone answers. The institution call itself is
 * PaymentDecisions's, outside any transaction.
 */
export class PaymentService {
  /** Stores never change once created (no API edits them): read each once a minute at most. */
  private readonly stores = new LRUCache<string, StoreEntity>({ max: 10_000, ttl: 60_000 });

  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly cards: CardService,
    private readonly idempotency: IdempotencyService,
    private readonly decisions: PaymentDecisions,
    private readonly confirmations: ConfirmationService,
    private readonly credentials: CredentialService,
    private readonly devices: DeviceService,
    private readonly offlineTokens: OfflineTokenService,
    private readonly holds: PaymentHolds,
    private readonly userVerification: UserVerificationService,
    private readonly dailyLimits: DailyLimitService,
  ) {}

  /**
   * With `hold` (points with the payment, from the points' side), something is part of
   * the payment, all or nothing: taken in its first transaction, with the money off it
   * gives (the card is charged the rest, the payment's `amount`), and settled or let go
   * with its decision.
   */
  async redeemCode(
    caller: Caller,
    code: string,
    saleInput: SaleInput,
    idempotencyKey: string,
    hold?: HoldRequest | null,
    options: { capture?: boolean } = {},
  ): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    const captureLater = options.capture === false;
    // What a payment holds (points, a bill) is settled with its approval, which capture later does not give.
    if (captureLater && hold) badInput("capture: false cannot be combined with points (memberCode); capture at once, or settle points apart", { field: "capture" });
    return underWrongCodeLimit(this.deps, register.apiKeyId, async () => {
      const store = await this.storeOf(register);
      const sale = normalizeSale(saleInput, store.currency);
      // An offline token's caps count what the card pays, known only once the hold is taken: not combined.
      if (hold && isOfflineToken(code)) badInput(hold.withOfflineToken.message, { field: hold.withOfflineToken.field });
      const codeHash = this.codes.hash(code.trim());
      // The same key with capture later is another request; a sale captured at once keeps its old fingerprint.
      const withHold = { ...(hold ? hold.fingerprint : {}), ...(captureLater ? { capture: false } : {}) };
      return this.idempotency.run({
        scope: `key:${register.apiKeyId}`,
        key: idempotencyKey,
        operation: "redeemCode",
        request: { code: codeHash, sale, ...withHold },
        requestUnderEarlierKeys: () => this.codes.earlierHashes(code).map((earlier) => ({ code: earlier, sale, ...withHold })),
        load: (id) => this.decisions.load(id),
        settled: (payment) => payment.status !== "PROCESSING",
        finish: (payment, cause) => this.finishUnasked(payment, cause),
        work: (claim) => this.redeemRetrying(store, sale, code, codeHash, claim, hold ?? null, captureLater),
      });
    });
  }

  /**
   * A sale its caller makes in the payment's first transaction (`reserve`; a bill collected
   * by card), charged with the customer's payment code through the same path as a sale,
   * the customer's confirmation rules included. The caller runs it under its own
   * idempotency key, which its reservation claims, and code-guessing limit.
   */
  async payReserved(register: RegisterCaller, paymentCode: string, reserve: SaleReservation): Promise<PaymentEntity> {
    const store = await this.storeOf(register);
    const claimedByReservation: ClaimKey = () => undefined;
    return this.redeem(store, reserve, paymentCode, this.codes.hash(paymentCode.trim()), claimedByReservation, null, false);
  }

  /** A redeem whose hold lost what it wanted to another payment is run again, as often as the hold says. */
  private async redeemRetrying(store: StoreEntity, sale: Sale, code: string, codeHash: string, claim: ClaimKey, hold: HoldRequest | null, captureLater: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.redeem(store, sale, code, codeHash, claim, hold, captureLater);
      } catch (error) {
        if (!hold?.retry?.when(error)) throw error;
        if (attempt >= hold.retry.attempts) hold.retry.exhausted();
      }
    }
  }

  /**
   * The code claimed and the payment made in one transaction of two round trips (the
   * key's claim, the code's read and its claim; then the payment with the COMMIT), then
   * the institution asked with no transaction open, unless the customer wants to confirm.
   * The sale is the register's, or a bill's (its reservation, which costs round trips of its own).
   */
  private async redeem(
    store: StoreEntity,
    saleOrReservation: Sale | SaleReservation,
    code: string,
    codeHash: string,
    claim: ClaimKey,
    hold: HoldRequest | null,
    captureLater: boolean,
  ): Promise<PaymentEntity> {
    const paymentId = newId();
    // Held from before the payment commits as PROCESSING, however long that takes, so no
    // instance's recovery takes it for one a crash left behind (processing-leases.ts).
    return this.decisions.leases.hold(paymentId, async (lease) => {
      let created = await this.create(store, saleOrReservation, code, codeHash, claim, hold, paymentId, captureLater);
      // The institution is asked only for a payment read back as committed (see `committed`).
      for (let attempt = 1; !created.waits && !(await this.committed(created.payment)); attempt++) {
        if (attempt >= CREATE_ATTEMPTS) throw new Error("the payment's transaction answered OK but did not commit");
        this.deps.logger.warn({ paymentId }, "a payment answered as committed was not; its transaction runs again");
        created = await this.create(store, saleOrReservation, code, codeHash, claim, hold, paymentId, captureLater);
      }
      if (created.waits) {
        this.deps.metrics.redeemed(created.payment.status, null);
        return created.payment;
      }
      const decided = await this.decisions.authorizeAndRecord(created.payment, created.card, lease);
      this.deps.metrics.redeemed(decided.status, decided.declineReason);
      return decided;
    });
  }

  /**
   * For a redeem's idempotency key (`IdempotentCall.finish`): a payment its run committed
   * as PROCESSING and then lost sight of (`cause`: the COMMIT's answer lost, and the read
   * after it did not find the payment yet, as when a failed Galera node's last writes are
   * applied after the cluster moves on), found again by the key's replay. That run ended
   * before asking the institution, so it is asked now. Null for any other failure: then
   * the institution may have been asked already, and the replay answers what is stored.
   */
  finishUnasked(payment: PaymentEntity, cause: unknown): Promise<PaymentEntity> | null {
    if (!failedBeforeAsking.has(cause as object)) return null;
    return this.decisions.authorizeAndRecordById(payment.id).then((decided) => {
      this.deps.metrics.redeemed(decided.status, decided.declineReason);
      return decided;
    });
  }

  /**
   * On a Galera cluster, whether the payment is there to be read, on its node, before the
   * institution is asked: a node has answered a COMMIT with OK for a transaction it had
   * rolled back, and an authorization with no payment would be recorded nowhere. Each
   * write's reply is checked for that already (mysql-wire.ts); this read is for what
   * the database may still get wrong, and costs a Galera redeem one primary-key read. A
   * single server is not asked.
   */
  private async committed(payment: PaymentEntity): Promise<boolean> {
    if (!this.deps.db.galera) return true;
    const stored = await this.deps.db.read((m) => m.findOneBy(PaymentEntity, { id: payment.id }), { fresh: true });
    return stored !== null;
  }

  /** The redeem's transaction: the key's claim, the code's, and the payment (see `redeem`). */
  private async create(
    store: StoreEntity,
    saleOrReservation: Sale | SaleReservation,
    code: string,
    codeHash: string,
    claim: ClaimKey,
    hold: HoldRequest | null,
    paymentId: string,
    captureLater: boolean,
  ): Promise<Created> {
    let made: Created | null = null;
    return this.deps.db.tx(async (tx): Promise<Created> => {
      claim(tx, paymentId);
      const reserved = typeof saleOrReservation === "function" ? await saleOrReservation(tx, paymentId, store) : null;
      const sale = reserved ? reserved.sale : (saleOrReservation as Sale);
      if (isOfflineToken(code)) {
        // The device's signature was the customer's approval: nothing waits for the phone.
        const card = await this.offlineTokens.claim(tx, code, sale, paymentId);
        const payment = this.newPayment(paymentId, store, sale, card, "PROCESSING", null, reserved?.marks, captureLater);
        tx.atCommit(row(PaymentEntity, payment));
        return (made = { payment, card, waits: false });
      }
      const found = await this.codes.claimPaymentCode(tx, code, codeHash);
      const entity = found.entity;
      // With a hold (points), it is taken now and the card is charged what it leaves.
      const held = hold && (await hold.take(tx, { storeId: store.id, customerId: entity.customerId, amount: sale.amount }));
      const charge = held ? { ...sale, amount: sale.amount - held.discount } : sale;
      if (entity.maxAmount !== null && charge.amount > entity.maxAmount) {
        fail(ErrorCode.AMOUNT_OVER_LIMIT, "The sale is above the limit the customer set on this code", {
          maxAmount: entity.maxAmount,
        });
      }
      const card = this.cards.requireAvailable(found.card);
      // Last of the checks, so a refused sale never counts against the customer's day.
      const dailyLimitDay = await this.dailyLimits.take(tx, entity.customerId, found.limits, charge.amount);
      const wait = found.confirmAbove !== null && charge.amount > found.confirmAbove;
      const status = wait ? "PENDING_CONFIRMATION" : "PROCESSING";
      const marks = { ...reserved?.marks, ...held?.marks, ...(dailyLimitDay ? { dailyLimitDay } : {}) };
      const payment = this.newPayment(paymentId, store, charge, card, status, entity.id, marks, captureLater);
      if (!wait) {
        tx.atCommit(row(PaymentEntity, payment));
        return (made = { payment, card, waits: false });
      }
      await tx.add(PaymentEntity, payment);
      const request = await this.confirmations.open(tx, payment);
      tx.afterCommit(() => this.announceConfirmation(request, payment));
      return (made = { payment, card, waits: true });
    }).catch((error: unknown) => this.committedAfterAll(error, made));
  }

  /**
   * The redeem's transaction failed with its COMMIT's answer lost (the database node
   * failed): the payment, read where every committed write is applied, says whether it
   * committed. If it did, the redeem goes on with it, as if the answer had come; if not,
   * or for a payment that waits for the customer (whose request was never announced),
   * the error stands and the idempotency key decides what a second run does.
   */
  private async committedAfterAll(error: unknown, made: Created | null): Promise<Created> {
    if (!isOutcomeUnknown(error) || !made || made.waits) throw error;
    const { id } = made.payment;
    const stored = await this.deps.db.read((m) => m.findOneBy(PaymentEntity, { id }), { fresh: true });
    if (stored) return made;
    // Not there yet, or never: the idempotency key's next run tells which (`decideUnasked`).
    failedBeforeAsking.add(error as object);
    throw error;
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
      load: (id) => this.decisions.load(id),
      work: (claim) => {
        const paymentId = newId();
        return this.deps.db.tx(async (tx) => {
          claim(tx, paymentId);
          // An unknown number, an unknown selector and a card that cannot pay are answered
          // alike, after the same one query, so a register cannot tell enrolled numbers apart.
          const card = await tx
            .createQueryBuilder(CardEntity, "card")
            .innerJoin(CustomerEntity, "customer", "customer.id = card.customerId")
            .where("customer.phone = :phone AND card.selector = :cardSelector AND card.status = :available", { phone, cardSelector, available: "AVAILABLE" })
            .getOne();
          if (!card || !this.cards.canPay(card)) return fail(ErrorCode.NOT_FOUND, "No available card matches this phone number and selector");
          const payment = this.newPayment(paymentId, store, sale, card, "PENDING_CONFIRMATION", null);
          await tx.insert(PaymentEntity, payment);
          const request = await this.confirmations.open(tx, payment);
          tx.afterCommit(() => this.announceConfirmation(request, payment));
          return payment;
        });
      },
    });
  }

  /**
   * The phone's answer, with its password or a device's proof. Approve: the institution is asked and the
   * payment ends APPROVED or DECLINED. Reject: REJECTED_BY_CUSTOMER. Only the owner may
   * answer, and only once; an answer after the expiry finds the request EXPIRED, one
   * after the register cancelled finds the payment VOIDED. An approval is acted on only
   * if what may have changed while the phone was asked still holds, checked in the
   * transaction that acts on it: the card is AVAILABLE and the session is live.
   */
  async respondToConfirmation(caller: Caller, requestId: string, approve: boolean, approval: Approval, verification?: UserVerification | null): Promise<PaymentEntity> {
    const session = requireCustomer(caller);
    const request = await this.confirmations.find(requestId);
    if (!request || request.customerId !== session.customerId) return notFound("confirmation request");
    await this.devices.approve(session, approval, "respondToConfirmation", { requestId, approve });
    // Approving asks who holds the phone; rejecting never needs to.
    if (approve) await this.userVerification.requireForApproval(session, approval, verification);
    if (request.answer === null && request.expiresAt <= this.deps.clock.now()) await this.confirmations.expire(request);
    const answered = await this.deps.db.tx(async (tx) => {
      if (approve) await this.requireStillPayable(tx, session, request.paymentId);
      if (!(await this.confirmations.answer(tx, request.id, approve ? "APPROVED" : "REJECTED"))) return null;
      if (approve) return this.decisions.move(tx, request.paymentId, "PENDING_CONFIRMATION", "PROCESSING", {});
      if (!(await this.decisions.move(tx, request.paymentId, "PENDING_CONFIRMATION", "REJECTED_BY_CUSTOMER", { decidedAt: this.deps.clock.now() }))) {
        return null;
      }
      const rejected = await tx.findOneByOrFail(PaymentEntity, { id: request.paymentId });
      await this.holds.release(tx, rejected);
      tx.afterCommit(() => this.deps.events.paymentChanged(rejected));
      return rejected;
    });
    if (answered === true) return this.decisions.authorizeAndRecordById(request.paymentId);
    if (answered) return answered;
    const current = await this.decisions.load(request.paymentId);
    const why = current.status === "VOIDED" ? "The register cancelled this payment" : "This request was already answered or has expired";
    return badInput(`${why} (payment ${current.status})`, { status: current.status });
  }

  /**
   * Inside the approving transaction: the payment's card is still AVAILABLE (the customer
   * may have switched it off while the phone was asked) and the session is still live.
   */
  private async requireStillPayable(tx: Tx, session: CustomerCaller, paymentId: string): Promise<void> {
    if (!(await this.credentials.sessionIsLive(tx, session.sessionId))) fail(ErrorCode.UNAUTHENTICATED, "The session has ended");
    const payment = await tx.findOneByOrFail(PaymentEntity, { id: paymentId });
    await this.cards.requireAvailableNow(tx, payment.cardId);
  }

  /**
   * Cancels a sale before settlement: an approved one has its authorization reversed; one
   * still waiting for the phone is closed without asking the institution, and the phone
   * hears it. A payment refunded in part is no longer voided: refund the rest.
   */
  voidPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    const work = async (claim?: ClaimKey) => {
      await this.deps.db.tx(async (tx) => {
        claim?.(tx, paymentId);
        const payment = await this.ownPayment(tx, register, paymentId);
        if (payment.status === "VOIDED") return; // already done: the same answer again
        // An authorization is not a sale: cancelling it lets it go (RELEASED), as releaseAuthorization does.
        if (payment.status === "AUTHORIZED") {
          if (!(await this.decisions.release(tx, payment))) badInput("The payment changed meanwhile; read it again");
          return;
        }
        const announce = (fields: Partial<PaymentEntity>) =>
          tx.afterCommit(() => this.deps.events.paymentChanged(Object.assign(new PaymentEntity(), payment, { status: "VOIDED" }, fields)));
        if (payment.status === "PENDING_CONFIRMATION") {
          // The request's conditional UPDATE decides against a phone answering at the same moment.
          if (!(await this.confirmations.cancel(tx, payment.id))) badInput("The customer answered meanwhile; read the payment again");
          const decidedAt = this.deps.clock.now();
          if (await this.decisions.voidWaiting(tx, payment, decidedAt)) announce({ decidedAt });
          return;
        }
        // The move from the status read: BAD_USER_INPUT naming it unless the table has it
        // (the payment decisions' UPDATE, from APPROVED, decides races).
        assertTransition(payment.status, "VOIDED");
        if (!(await this.decisions.voidApproved(tx, payment))) badInput("The payment changed meanwhile; read it again");
        announce({});
      });
      return this.decisions.load(paymentId);
    };
    if (!idempotencyKey) return work();
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "voidPayment",
      request: { paymentId },
      load: (id) => this.decisions.load(id),
      work,
    });
  }

  /**
   * Captures an authorization (a sale made with capture: false) for `amount`, at most what
   * was authorized, or all of it when no amount is given: the payment becomes APPROVED for
   * the captured amount, which refunds and the books follow. The payment's conditional
   * UPDATE decides against a release, a void or the sweep at the same moment.
   */
  async capturePayment(caller: Caller, paymentId: string, amount?: number | null, idempotencyKey?: string | null): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    if (amount != null && (!Number.isSafeInteger(amount) || amount <= 0)) {
      badInput("amount must be a positive whole number of minor units; to take nothing, release the authorization", { field: "amount" });
    }
    const work = async (claim?: ClaimKey) => {
      await this.deps.db.tx(async (tx) => {
        claim?.(tx, paymentId);
        const payment = await this.ownPayment(tx, register, paymentId);
        // Only an authorization is captured (a PROCESSING payment's approval is the institution's, not a capture).
        if (payment.status !== "AUTHORIZED") throw PAYMENT_MOVES.refusal(payment.status, "APPROVED");
        const authorized = payment.amount;
        const wanted = amount ?? authorized;
        if (wanted > authorized) badInput(`amount is above the authorized amount (${authorized})`, { field: "amount", authorized });
        if (!(await this.decisions.capture(tx, payment, wanted))) badInput("The payment changed meanwhile; read it again", { status: "AUTHORIZED" });
      });
      return this.decisions.load(paymentId);
    };
    if (!idempotencyKey) return work();
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "capturePayment",
      request: { paymentId, amount: amount ?? null },
      load: (id) => this.decisions.load(id),
      work,
    });
  }

  /**
   * Lets an authorization go uncharged (RELEASED): the register's, like the sweep's after
   * AUTHORIZATION_DAYS. Releasing a released payment answers it again.
   */
  async releaseAuthorization(caller: Caller, paymentId: string, idempotencyKey?: string | null): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    const work = async (claim?: ClaimKey) => {
      await this.deps.db.tx(async (tx) => {
        claim?.(tx, paymentId);
        const payment = await this.ownPayment(tx, register, paymentId);
        if (payment.status === "RELEASED") return; // already done: the same answer again
        assertTransition(payment.status, "RELEASED");
        if (!(await this.decisions.release(tx, payment))) badInput("The payment changed meanwhile; read it again");
      });
      return this.decisions.load(paymentId);
    };
    if (!idempotencyKey) return work();
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "releaseAuthorization",
      request: { paymentId },
      load: (id) => this.decisions.load(id),
      work,
    });
  }

  /**
   * Gives back `amount` of an approved sale, or all that is left when no amount is given;
   * any number of times, up to what was paid (PARTIALLY_REFUNDED, then REFUNDED). Each
   * refund is reported to the institution. Refunds racing each other are decided by the
   * payment's conditional UPDATE: together they never give back more than was paid.
   */
  refundPayment(caller: Caller, paymentId: string, idempotencyKey?: string | null, amount?: number | null): Promise<PaymentEntity> {
    const register = requireRegister(caller);
    if (amount != null && (!Number.isSafeInteger(amount) || amount <= 0)) {
      badInput("amount must be a positive whole number of minor units", { field: "amount" });
    }
    const work = async (claim?: ClaimKey) => {
      await this.deps.db.tx(async (tx) => {
        claim?.(tx, paymentId);
        const payment = await this.ownPayment(tx, register, paymentId);
        // The biller counts the bill paid once the charge is approved; undoing it is a void, which opens the bill again.
        const refusal = this.holds.refundRefusal(payment);
        if (refusal) badInput(refusal);
        const left = payment.amount - payment.refundedAmount;
        const wanted = amount ?? left;
        assertTransition(payment.status, wanted === left ? "REFUNDED" : "PARTIALLY_REFUNDED");
        if (wanted > left) badInput(`amount is above what is left to refund (${left})`, { field: "amount", refundable: left });
        const refunded = await this.decisions.refund(tx, payment, wanted, idempotencyKey ?? null);
        if (!refunded) {
          // Another refund was first: say what is left now.
          const now = await tx.findOneByOrFail(PaymentEntity, { id: paymentId });
          const leftNow = now.amount - now.refundedAmount;
          const why = leftNow === 0 ? "nothing is left to refund" : `amount is above what is left to refund (${leftNow})`;
          badInput(`Another refund was made meanwhile: ${why}`, { field: "amount", refundable: leftNow });
        }
        const { status, refundedAmount } = refunded!;
        const { storeName, currency } = payment;
        this.deps.notices?.tell(tx, payment.customerId, { kind: "refund", paymentId, status, amount: wanted, refundedAmount, currency, storeName });
        tx.afterCommit(() => this.deps.events.paymentChanged(Object.assign(new PaymentEntity(), payment, { status, refundedAmount })));
      });
      return this.decisions.load(paymentId);
    };
    if (!idempotencyKey) return work();
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "refundPayment",
      request: { paymentId, amount: amount ?? null },
      load: (id) => this.decisions.load(id),
      work,
    });
  }

  /** The payment, if it is this register's store's; NOT_FOUND otherwise. */
  private async ownPayment(tx: Tx, register: RegisterCaller, paymentId: string): Promise<PaymentEntity> {
    const payment = await tx.findOneBy(PaymentEntity, { id: paymentId });
    if (!payment || payment.storeId !== register.storeId) return notFound("payment");
    return payment;
  }

  /** A phone's own history, or a register's store's, newest first. */
  async list(caller: Caller, first: number, after: string | null): Promise<PaymentPage> {
    const who = requireCustomerOrRegister(caller);
    if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
    const afterId = after ? decodeCursor(after) : null;
    // The caller may have paid a moment ago, through another instance and database node.
    const rows = await this.deps.db.read(
      (m) => {
        const owner = who.kind === "customer" ? { customerId: who.customerId } : { storeId: who.storeId };
        return m.find(PaymentEntity, {
          where: afterId ? { ...owner, id: LessThan(afterId) } : owner,
          order: { id: "DESC" },
          take: first + 1,
        });
      },
      { fresh: true },
    );
    const nodes = rows.slice(0, first);
    return { nodes, nextCursor: rows.length > first ? encodeCursor(nodes[nodes.length - 1].id) : null };
  }

  /** One payment, if the caller may see it (its customer, or a register of its store). */
  async get(caller: Caller, id: string): Promise<PaymentEntity | null> {
    const who = requireCustomerOrRegister(caller);
    // The caller may have made it a moment ago, through another instance and database node.
    const payment = await this.deps.db.read((m) => m.findOneBy(PaymentEntity, { id }), { fresh: true });
    if (!payment) return null;
    const mine = who.kind === "customer" ? payment.customerId === who.customerId : payment.storeId === who.storeId;
    return mine ? payment : null;
  }

  /** Settles payments a crash left half-way (see PaymentDecisions.recover). */
  recover(): Promise<number> {
    return this.decisions.recover();
  }

  private announceConfirmation(request: Parameters<ConfirmationService["expire"]>[0], payment: PaymentEntity): void {
    this.deps.events.confirmationRequested(request, payment);
    this.deps.events.paymentChanged(payment);
  }

  private newPayment(
    id: string,
    store: StoreEntity,
    sale: Sale,
    card: ChargeCard,
    status: PaymentStatus,
    codeId: string | null,
    holds: HoldMarks = {},
    captureLater = false,
  ): PaymentEntity {
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
      processingDeadline: status === "PROCESSING" ? this.decisions.processingDeadline() : null,
      refundedAmount: 0,
      pointsSettlementId: holds.pointsSettlementId ?? null,
      billId: holds.billId ?? null,
      dailyLimitDay: holds.dailyLimitDay ?? null,
      customerNumber: customerNumberOf(this.deps.keys.customerNumber, card.customerId, store.id),
      authorizedAmount: captureLater ? sale.amount : null,
      capturedAt: null,
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
