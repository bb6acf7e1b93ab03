import { createHash } from "node:crypto";
import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { BillEntity, CustomerEntity, PartnerEntity, PaymentEntity, StoreEntity, WalletCodeEntity } from "../../entities";
import type { Tx } from "../../database";
import type { Approval } from "../kernel/approval";
import { billStatus, billViews, type BillView } from "./bill-views";
import type { Caller, RegisterCaller } from "../kernel/caller";
import type { DeviceService } from "../devices/device.service";
import type { CodeService, IssuedCode } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer, requirePartner, requireRegister } from "../kernel/guards";
import type { ClaimKey, IdempotencyService } from "../kernel/idempotency.service";
import { newId } from "../kernel/ids";
import type { Tender } from "../../entities/value-lists";
import type { PaymentService } from "../payments/payment.service";
import { BILL_MOVES, BILL_SHOWN_AS, assertBillMove } from "./bill-states";
import type { BillNotices } from "./bill-notices";
import { type BillStatus } from "../../entities/value-lists";
import { byId } from "../kernel/status-table";
import { dateInZone, dayInZone } from "../kernel/store-day";
import { requireCurrency, requirePhone, requirePositiveAmount, requireText, optionalText } from "../kernel/validation";
import { underWrongCodeLimit } from "../kernel/wrong-code-limit";
import type { StoreDaySums } from "../kernel/store-day-sums.service";
import { countCollection } from "./bill-store-days";
import { isUniqueViolation } from "../../database";

export type { BillView } from "./bill-views";

export interface PostBillInput {
  customerPhone: string;
  reference: string;
  amount: number;
  currency: string;
  dueDate: Date;
  description?: string | null;
}

const LIST_LIMIT = 200;

/**
 * Bills from online stores and utilities, paid at any store by a bill code: in cash, or
 * by card through the customer's payment code (the bill PAID only once the charge is
 * approved). The biller is told at once: live on `billReceipts`, and by a signed webhook
 * from the outbox, retried until the partner's server takes it; the collecting store's
 * back office too, when it has a webhook. A store lists what it collected on a day (its
 * cash hand-over) and may reverse a mistaken cash collection that same day.
 */
export class BillService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly idempotency: IdempotencyService,
    private readonly devices: DeviceService,
    private readonly payments: PaymentService,
    /** A collection's and a reversal's receipt and webhooks. */
    private readonly notices: BillNotices,
    /** The store's day sums: what it collected, by tender. */
    private readonly storeDays: StoreDaySums,
  ) {}

  /** Idempotent on (partner, reference): the same content returns the bill, other content conflicts. */
  async postBill(caller: Caller, input: PostBillInput): Promise<BillView> {
    const { partnerId } = requirePartner(caller);
    const content = {
      customerPhone: requirePhone(input.customerPhone, "customerPhone"),
      amount: requirePositiveAmount(input.amount),
      currency: requireCurrency(input.currency),
      dueDate: input.dueDate.toISOString(),
      description: optionalText(input.description, "description", 500),
    };
    const reference = requireText(input.reference, "reference", 64);
    const contentHash = createHash("sha256").update(JSON.stringify(content)).digest("hex");
    const bill = Object.assign(new BillEntity(), {
      id: newId(),
      partnerId,
      reference,
      ...content,
      dueDate: input.dueDate,
      status: "OPEN" as const,
      contentHash,
      paidAt: null,
      paidAtStoreId: null,
      paidAtStoreName: null,
      tender: null,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx(async (tx) => {
        await tx.insert(BillEntity, bill);
        // An enrolled phone hears of it with the app closed (push/); the biller's name is on the bill's screen.
        const [customer, partner] = await Promise.all([
          tx.findOne(CustomerEntity, { select: { id: true }, where: { phone: bill.customerPhone } }),
          tx.findOne(PartnerEntity, { select: { id: true, name: true }, where: { id: partnerId } }),
        ]);
        if (customer) {
          const { id: billId, amount, currency } = bill;
          this.deps.notices?.tell(tx, customer.id, { kind: "bill", billId, billerName: partner?.name ?? "", amount, currency, dueAt: bill.dueDate.toISOString() });
        }
      });
      return this.view(bill);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await this.deps.db.read((m) => m.findOneByOrFail(BillEntity, { partnerId, reference }));
    if (existing.contentHash !== contentHash) {
      fail(ErrorCode.IDEMPOTENCY_CONFLICT, "A bill with this reference was posted with other content");
    }
    return this.view(existing);
  }

  /** OPEN or OVERDUE -> CANCELLED; cancelling again returns the cancelled bill; a paid bill stays paid. */
  async cancelBill(caller: Caller, reference: string): Promise<BillView> {
    const { partnerId } = requirePartner(caller);
    const bill = await this.deps.db.read((m) => m.findOneBy(BillEntity, { partnerId, reference }));
    if (!bill) return notFound("bill");
    const status = this.statusOf(bill);
    if (status !== "CANCELLED") {
      assertBillMove(status, "CANCELLED");
      // Stored OPEN is both OPEN and OVERDUE: the two statuses that may become CANCELLED,
      // unless a card payment at a store holds the bill while it is decided.
      const { sql, params } = BILL_MOVES.update("cancel", byId(bill.id), { now: this.deps.clock.now() });
      const moved = await this.deps.db.tx((tx) => tx.write(sql, params));
      if (moved !== 1) fail(ErrorCode.BILL_NOT_PAYABLE, "This bill has been paid, or is being paid by card, and cannot be cancelled");
    }
    return this.viewById(bill.id);
  }

  /** A partner's own bills, or a phone's (by its phone number), newest first. */
  async bills(caller: Caller, status: BillStatus | null): Promise<BillView[]> {
    const who = caller.kind === "partner" ? requirePartner(caller) : requireCustomer(caller);
    // A bill posted or paid a moment ago may have been written through another database node;
    // the views read after it on this node see at least as much.
    const rows = await this.deps.db.read(
      async (m) => {
        if (who.kind === "partner") return this.partnerListQuery(m, who.partnerId, status).getMany();
        const customer = await m.findOneByOrFail(CustomerEntity, { id: who.customerId });
        const query = m.createQueryBuilder(BillEntity, "b").where("b.customerPhone = :phone", { phone: customer.phone }).orderBy("b.id", "DESC").limit(LIST_LIMIT);
        if (status) this.filterStatus(query, status);
        return query.getMany();
      },
      { fresh: true },
    );
    return this.views(rows);
  }

  /**
   * A partner's list (its plan is tested on both engines). Newest first by (createdAt,
   * id), the order IDX_bills_partner_created and IDX_bills_partner_status keep, so the
   * list is one backward range of the partner's rows, of one status where one is asked:
   * ordered by id alone, MySQL read every bill of the status and sorted them, a year's
   * worth for a partner with hundreds of thousands.
   */
  partnerListQuery(m: EntityManager, partnerId: string, status: BillStatus | null): SelectQueryBuilder<BillEntity> {
    const query = m.createQueryBuilder(BillEntity, "b").where("b.partnerId = :partnerId", { partnerId });
    if (status) this.filterStatus(query, status);
    return query.orderBy("b.createdAt", "DESC").addOrderBy("b.id", "DESC").limit(LIST_LIMIT);
  }

  async issueBillCode(caller: Caller, billId: string, approval: Approval): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const [bill, customer] = await this.deps.db.read((m) =>
      Promise.all([m.findOneBy(BillEntity, { id: billId }), m.findOneByOrFail(CustomerEntity, { id: customerId })]),
    );
    if (!bill || bill.customerPhone !== customer.phone) return notFound("bill");
    this.requirePayable(bill);
    await this.devices.approve(session, approval, "issueBillCode", { billId });
    const secondsToDue = Math.floor((bill.dueDate.getTime() - this.deps.clock.now().getTime()) / 1000);
    return this.codes.issue("BILL", customerId, { billId: bill.id }, secondsToDue);
  }

  /** For a register's lookup: who bills, what, how much, until when. */
  async describeBill(m: EntityManager, code: WalletCodeEntity): Promise<BillView> {
    return (await this.views([await m.findOneByOrFail(BillEntity, { id: code.billId! })], m))[0];
  }

  /**
   * The clerk takes the bill's amount: in cash (the bill becomes PAID at this store, once,
   * the webhooks sent with the transaction and the live receipt published once it
   * commits), or by card with the customer's payment code (collectByCard). The answer is
   * the bill; for a card, with the payment this collection made.
   */
  async collectBill(caller: Caller, code: string, tender: Tender, idempotencyKey: string, paymentCode?: string | null): Promise<BillView> {
    const register = requireRegister(caller);
    if (tender === "CARD" && !paymentCode?.trim()) badInput("A bill paid by card needs the customer's payment code", { field: "paymentCode" });
    if (tender === "CASH" && paymentCode != null) badInput("A payment code goes with tender CARD only", { field: "paymentCode" });
    return underWrongCodeLimit(this.deps, register.apiKeyId, () =>
      tender === "CARD" ? this.collectByCard(register, code, paymentCode!, idempotencyKey) : this.collectCash(register, code, idempotencyKey),
    );
  }

  private collectCash(register: RegisterCaller, code: string, idempotencyKey: string): Promise<BillView> {
    const tender = "CASH";
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "collectBill",
      request: { code: this.codes.hash(code.trim()), tender },
      requestUnderEarlierKeys: () => this.codes.earlierHashes(code).map((earlier) => ({ code: earlier, tender })),
      load: (billId) => this.viewById(billId),
      work: (claim) =>
        this.deps.db.tx(async (tx) => {
          const { bill, store } = await this.payableHere(tx, register, code, claim, null);
          const now = this.deps.clock.now();
          // OPEN, not yet due and held by no card payment: the one state that may become PAID in cash.
          const collect = BILL_MOVES.update("collect", byId(bill.id), { now, paidAt: now, paidAtStoreId: store.id, paidAtStoreName: store.name });
          const moved = await tx.write(collect.sql, collect.params);
          if (moved !== 1) fail(ErrorCode.BILL_NOT_PAYABLE, "This bill has just been paid or cancelled, or is being paid by card");
          countCollection(this.storeDays, tx, store, { paidAt: now, tender, amount: bill.amount }, 1);
          const [view] = await billViews(tx, [await tx.findOneByOrFail(BillEntity, { id: bill.id })], now);
          this.notices.collected(tx, bill.partnerId, view, store, now);
          tx.afterCommit(() => this.deps.events.billPaid(bill.partnerId, view));
          return view;
        }),
    });
  }

  /**
   * A bill paid by card: the customer's payment code charges the bill's amount through
   * the payment path (PaymentService.payReserved), confirmation on the phone included. The
   * bill is held by the payment from its first transaction (no cash collection, no
   * cancellation meanwhile) and becomes PAID only when the charge is approved; declined,
   * rejected, expired or voided, it is payable again. The bill code is used either way,
   * as a payment code is: the phone shows a new one. The key's answer is the bill with
   * this collection's payment, so a replay tells the same story.
   */
  private async collectByCard(register: RegisterCaller, code: string, paymentCode: string, idempotencyKey: string): Promise<BillView> {
    const tender = "CARD";
    const request = (billCode: string, payCode: string) => ({ code: billCode, tender, paymentCode: payCode });
    const collected = await this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "collectBill",
      request: request(this.codes.hash(code.trim()), this.codes.hash(paymentCode.trim())),
      requestUnderEarlierKeys: () =>
        this.codes.earlierHashes(code).flatMap((b) => this.codes.earlierHashes(paymentCode).map((p) => request(b, p))),
      // The result is the payment; the bill is read with it.
      load: (paymentId) => this.deps.db.read((m) => m.findOneByOrFail(PaymentEntity, { id: paymentId }), { fresh: true }),
      settled: (payment) => payment.status !== "PROCESSING",
      finish: (payment, cause) => this.payments.finishUnasked(payment, cause),
      work: (claim) =>
        this.payments.payReserved(register, paymentCode, async (tx, paymentId, store) => {
          const { bill } = await this.payableHere(tx, register, code, claim, paymentId, store);
          const now = this.deps.clock.now();
          const hold = BILL_MOVES.update("hold", byId(bill.id), { now, paymentId });
          const held = await tx.write(hold.sql, hold.params);
          if (held !== 1) fail(ErrorCode.BILL_NOT_PAYABLE, "This bill has just been paid or cancelled, or is being paid by card");
          const item = { name: bill.reference, quantity: 1, unitPrice: bill.amount };
          return { marks: { billId: bill.id }, sale: { amount: bill.amount, currency: bill.currency, items: [item], reference: bill.reference } };
        }),
    });
    const bill = await this.deps.db.read((m) => m.findOneByOrFail(BillEntity, { id: collected.billId! }), { fresh: true });
    const [view] = await this.views([bill]);
    return { ...view, paymentId: collected.id };
  }

  /**
   * In a collection's transaction: the bill code claimed (with the idempotency key,
   * naming `resultId`, or the bill), the bill payable now, in this store's currency.
   */
  private async payableHere(tx: Tx, register: RegisterCaller, code: string, claim: ClaimKey, resultId: string | null, known?: StoreEntity) {
    const entity = this.codes.requireKind(await this.codes.findUsable(tx, code), "BILL");
    claim(tx, resultId ?? entity.billId!);
    const bill = this.requirePayable(await tx.findOneByOrFail(BillEntity, { id: entity.billId! }));
    const store = known ?? (await tx.findOneByOrFail(StoreEntity, { id: register.storeId }));
    if (store.currency !== bill.currency) badInput(`This store takes ${store.currency}, the bill is in ${bill.currency}`);
    await this.codes.claim(tx, entity);
    return { bill, store };
  }

  /** The bills this register's store collected on a calendar day of its time zone, oldest first: the cash hand-over. */
  async collectedBills(caller: Caller, date: string): Promise<BillView[]> {
    const register = requireRegister(caller);
    const store = await this.deps.db.read((m) => m.findOneByOrFail(StoreEntity, { id: register.storeId }));
    const { from, to } = dayInZone(date, store.timeZone);
    const rows = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(BillEntity, "b")
        .where("b.paidAtStoreId = :storeId AND b.paidAt >= :from AND b.paidAt < :to", { storeId: store.id, from, to })
        .orderBy("b.paidAt", "ASC")
        .limit(LIST_LIMIT * 10)
        .getMany(),
    );
    return this.views(rows);
  }

  /**
   * Undoes a mistaken cash collection: only the store that collected the bill, only on
   * the same calendar day in its time zone. The bill is OPEN again (or OVERDUE, past its
   * due date) and may be paid again; the biller and the store's back office are told
   * (`bill.reversed`). Once reversed it is no collection of this store's (NOT_FOUND
   * again), but the same idempotency key gets the same answer again.
   */
  async reverseBillCollection(caller: Caller, billId: string, idempotencyKey: string): Promise<BillView> {
    const register = requireRegister(caller);
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "reverseBillCollection",
      request: { billId },
      load: (id) => this.viewById(id),
      work: (claim) =>
        this.deps.db.tx(async (tx) => {
          claim(tx, billId);
          const bill = await tx.findOneBy(BillEntity, { id: billId });
          // Another store's collection is not this register's to see.
          if (!bill || bill.paidAtStoreId !== register.storeId) return notFound("bill");
          assertBillMove(this.statusOf(bill), "OPEN");
          const store = await tx.findOneByOrFail(StoreEntity, { id: register.storeId });
          const now = this.deps.clock.now();
          if (dateInZone(bill.paidAt!, store.timeZone) !== dateInZone(now, store.timeZone)) {
            fail(ErrorCode.BILL_NOT_PAYABLE, "A collection can be reversed only on the day it was made, in the store's time zone");
          }
          if (bill.tender !== "CASH") badInput("Only a cash collection is reversed here; a bill paid by card is undone by voiding its payment");
          const reverse = BILL_MOVES.update("reverse", byId(bill.id), { now, paidAt: bill.paidAt!, paidAtStoreId: store.id }, "PAID");
          const moved = await tx.write(reverse.sql, reverse.params);
          if (moved !== 1) fail(ErrorCode.BILL_NOT_PAYABLE, "This collection has just been reversed");
          countCollection(this.storeDays, tx, store, { paidAt: bill.paidAt!, tender: "CASH", amount: bill.amount }, -1);
          // The webhooks carry the bill as it is now and name the collection that was undone.
          const reopened = await tx.findOneByOrFail(BillEntity, { id: bill.id });
          const [before, after] = await billViews(tx, [bill, reopened], now);
          this.notices.reversed(tx, bill.partnerId, before, after, store, now);
          return (await this.views([reopened], tx))[0];
        }),
    });
  }

  /** BILL_NOT_PAYABLE unless the bill may become PAID now (bill-states.ts). */
  private requirePayable(bill: BillEntity): BillEntity {
    assertBillMove(this.statusOf(bill), "PAID");
    return bill;
  }

  private statusOf(bill: BillEntity): BillStatus {
    return billStatus(bill, this.deps.clock.now());
  }

  /** Bills a reader sees in `status` (bill-states.ts BILL_SHOWN_AS), its placeholders named for the query builder. */
  private filterStatus(query: SelectQueryBuilder<BillEntity>, status: BillStatus): void {
    const shown = BILL_SHOWN_AS[status]({ now: this.deps.clock.now() });
    let at = 0;
    const params: Record<string, unknown> = {};
    const named = shown.sql.replace(/\?/g, () => {
      params[`shown${at}`] = shown.params[at];
      return `:shown${at++}`;
    });
    query.andWhere(named, params);
  }

  private async viewById(id: string): Promise<BillView> {
    return (await this.views([await this.deps.db.read((m) => m.findOneByOrFail(BillEntity, { id }))]))[0];
  }

  private view(bill: BillEntity): Promise<BillView> {
    return this.views([bill]).then((v) => v[0]);
  }

  private async views(bills: BillEntity[], manager?: EntityManager): Promise<BillView[]> {
    const now = this.deps.clock.now();
    return manager ? billViews(manager, bills, now) : this.deps.db.read((m) => billViews(m, bills, now));
  }
}
