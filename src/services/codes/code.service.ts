import { In, type EntityManager } from "typeorm";
import { Tx, row, syncedFirst } from "../../database";
import { CardEntity, CustomerEntity, WalletCodeEntity } from "../../entities";
import type { Approval } from "../kernel/approval";
import type { CardService } from "../cards/card.service";
import type { DeviceService } from "../devices/device.service";
import type { UserVerification, UserVerificationService } from "../devices/user-verification.service";
import type { Caller } from "../kernel/caller";
import { isWellFormedCode, newCodeDigits, typedCode } from "../crypto/code-digits";
import { looksLikeTicketCode } from "../crypto/ticket-signer";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, WalletError, badInput, fail } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import type { CodeKind } from "../../entities/value-lists";

/** The redeem path's claim, by hash: it runs in the same round trip as the read. */
const CLAIM_PAYMENT_CODE = "UPDATE wallet_codes SET usedAt = ? WHERE codeHash = ? AND kind = 'PAYMENT' AND usedAt IS NULL AND expiresAt > ?";
/** The same claim by any of `n` hashes (a code made under an earlier code-hash key). */
const claimPaymentCodeByAny = (n: number) =>
  `UPDATE wallet_codes SET usedAt = ? WHERE codeHash IN (${placeholders(n)}) AND kind = 'PAYMENT' AND usedAt IS NULL AND expiresAt > ?`;
const nullableNumber = (value: unknown): number | null => (value == null ? null : Number(value));
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** What a redeem reads of a payment code. */
const REDEEMED_CODE_FIELDS = ["id", "kind", "customerId", "cardId", "maxAmount", "expiresAt", "usedAt"] as const;
export type RedeemedCode = Pick<WalletCodeEntity, (typeof REDEEMED_CODE_FIELDS)[number]>;

/** What charging a card reads of it: the payment's card columns, the PAN to decrypt, its expiry. */
const CHARGE_CARD_FIELDS = ["id", "customerId", "status", "institution", "brand", "last4", "panCiphertext", "panKeyId", "expiryMonth", "expiryYear"] as const;
export type ChargeCard = Pick<CardEntity, (typeof CHARGE_CARD_FIELDS)[number]>;

/** No payment or member code lives longer than a day, whatever a caller asks for; a bill code lives longer (below). */
export const MAX_CODE_TTL_SECONDS = 24 * 3600;

/**
 * A bill code lives until its bill's due date, up to 60 days (as convenience-store
 * payment slips do): it pays only that bill, only its amount, and only to its biller, so
 * a copy is worth nothing to anyone else.
 */
export const MAX_BILL_CODE_TTL_SECONDS = 60 * 24 * 3600;

/** A code to show; its QR images are drawn by the API layer only when asked for. */
export interface IssuedCode {
  code: string;
  kind: CodeKind;
  expiresAt: Date;
}

export interface PaymentCodeLookup {
  kind: CodeKind;
  expiresAt: Date;
  maxAmount: number | null;
  card: { institution: string; brand: string; last4: string } | null;
}

/**
 * One-time codes: issued to a phone, shown as a QR, used once at a register. Only a
 * keyed hash of the digits is stored, and using one is a conditional UPDATE whose
 * affected-row count says who was first.
 *
 * The hash key rotates (CODE_HASH_KEY, or CARD_KEY while that is unset) while codes made
 * under the previous key still live: up to a day for a payment or member code, up to 60
 * days for a bill code, so a previous key is kept until the last code it hashed expires
 * (the key sweep logs when, at start). A code is looked up by its hash
 * under the current key first, as before; only when that finds nothing and earlier keys
 * are configured is it hashed under those too and looked up again. A code made under the
 * current key, the common case, costs no extra hash and no extra round trip; one made
 * under the previous key costs one more of each. Each row keeps the id of its key, so a
 * start can say how many live codes a missing key leaves unreadable.
 */
export class CodeService {
  private paymentCodeSelect: string | undefined;
  private paymentCodeSelectByEarlier: string | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly cards: CardService,
    private readonly devices: DeviceService,
    private readonly userVerification: UserVerificationService,
  ) {}

  /**
   * A payment code. While the customer has no confirmAbove, a payment with the code is
   * never confirmed on the phone, so issuing it is when the customer is verified
   * (`verification`, see UserVerificationService.requireForApproval); with a confirmAbove,
   * every payment above it waits for a verified confirmation instead.
   */
  async issuePaymentCode(caller: Caller, cardId: string, approval: Approval, maxAmount: number | null, verification?: UserVerification | null): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    if (maxAmount !== null && (!Number.isSafeInteger(maxAmount) || maxAmount <= 0)) {
      badInput("maxAmount must be a positive whole number of minor units", { field: "maxAmount" });
    }
    const card = this.cards.requireAvailable(await this.cards.ownCard(customerId, cardId));
    await this.devices.approve(session, approval, "issuePaymentCode", { cardId, maxAmount });
    const customer = await this.deps.db.read((m) => m.findOneBy(CustomerEntity, { id: customerId }));
    if (customer?.confirmAbove == null || verification) await this.userVerification.requireForApproval(session, approval, verification);
    return this.issue("PAYMENT", customerId, { cardId: card.id, maxAmount }, this.deps.config.paymentCodeTtlSeconds);
  }

  /** Makes a one-time code of any digit kind and stores its keyed hash. */
  async issue(
    kind: Exclude<CodeKind, "TICKET">,
    customerId: string,
    refs: { cardId?: string; membershipId?: string; billId?: string; maxAmount?: number | null },
    ttlSeconds: number,
  ): Promise<IssuedCode> {
    const now = this.deps.clock.now();
    const longest = kind === "BILL" ? MAX_BILL_CODE_TTL_SECONDS : MAX_CODE_TTL_SECONDS;
    const expiresAt = new Date(now.getTime() + Math.min(ttlSeconds, longest) * 1000);
    // The row travels with the transaction's BEGIN and COMMIT: one round trip. Each run
    // makes a new code, so a run again after a lost COMMIT leaves at most an unused one.
    const code = await this.deps.db.tx(async (tx) => {
      const code = newCodeDigits();
      tx.atCommit(row(WalletCodeEntity, {
        id: newId(),
        codeHash: this.hash(code),
        codeKeyId: this.deps.keys.codes.currentKeyId,
        kind,
        customerId,
        cardId: refs.cardId ?? null,
        membershipId: refs.membershipId ?? null,
        billId: refs.billId ?? null,
        maxAmount: refs.maxAmount ?? null,
        expiresAt,
        usedAt: null,
        createdAt: now,
      }));
      return code;
    }, { repeatable: true });
    return { code, kind, expiresAt };
  }

  /** What a register may know of a payment code before using it: expiry, cap, masked card. */
  async describePayment(m: EntityManager, entity: WalletCodeEntity): Promise<PaymentCodeLookup> {
    const card = entity.cardId ? await m.findOneBy(CardEntity, { id: entity.cardId }) : null;
    return {
      kind: entity.kind,
      expiresAt: entity.expiresAt,
      maxAmount: entity.maxAmount,
      card: card && { institution: card.institution, brand: card.brand, last4: card.last4 },
    };
  }

  /**
   * The code's row if it can still be used: CODE_INVALID for a mistyped or unknown code,
   * CODE_ALREADY_USED, CODE_EXPIRED.
   */
  async findUsable(m: EntityManager, code: string): Promise<WalletCodeEntity> {
    const hash = this.checkedHash(code);
    const entity =
      (await m.findOneBy(WalletCodeEntity, { codeHash: hash })) ??
      (await this.findIssuedElsewhere(m, hash)) ??
      (this.deps.keys.codes.hasEarlier ? await m.findOneBy(WalletCodeEntity, { codeHash: In(this.earlierHashes(code)) }) : null);
    if (!entity) return fail(ErrorCode.CODE_INVALID, "This is not a valid code");
    return this.assertUsable(entity);
  }

  /**
   * On a Galera cluster, a code not found may have been issued through another node a
   * moment ago. In a transaction that did not begin caught up, the transaction runs again
   * once its node has caught up; outside one, the code is read again once it has. Null
   * when it is not there either way; elsewhere null, with nothing sent.
   */
  private async findIssuedElsewhere(m: EntityManager, hash: string): Promise<WalletCodeEntity | null> {
    const { db } = this.deps;
    if (!db.galera) return null;
    if (m instanceof Tx) return m.caughtUp ? null : m.runAgainCaughtUp();
    const rows = (await m.query(syncedFirst(`SELECT ${db.selectList(WalletCodeEntity, "c")} FROM wallet_codes c WHERE c.codeHash = ?`), [hash])) as Array<Record<string, unknown>>;
    return rows.length > 0 ? db.hydrate(WalletCodeEntity, rows[0]) : null;
  }

  /**
   * A PAYMENT code claimed, with its card and its customer's confirmation threshold. One
   * SELECT reads all three and a conditional UPDATE claims the code (the database decides
   * between registers racing for it); both are sent together, so they travel in one round
   * trip (with whatever the transaction deferred). The checks come after: one that fails
   * throws, and the caller's rollback leaves the code unused. CODE_INVALID,
   * CODE_ALREADY_USED, CODE_EXPIRED, CODE_WRONG_KIND. Only the columns a charge reads are
   * selected.
   */
  async claimPaymentCode(
    tx: Tx,
    code: string,
    /** `hash(code)`, when the caller has it already. */
    knownHash?: string,
  ): Promise<{ entity: RedeemedCode; card: ChargeCard | null; confirmAbove: number | null; limits: { dailyMaxAmount: number | null; dailyMaxCount: number | null } }> {
    const { db } = this.deps;
    const hash = this.checkedHash(code, knownHash);
    const now = this.deps.clock.now();
    let [rows, claimed] = await Promise.all([tx.select(this.paymentCodeSql, [hash]), tx.write(CLAIM_PAYMENT_CODE, [now, hash, now])]);
    // On a Galera cluster the code may have been issued through another node a moment ago
    // and not be applied here yet: the transaction runs again once this node has caught
    // up. Only a miss pays for it; a found code costs nothing more.
    if (rows.length === 0 && !tx.caughtUp) tx.runAgainCaughtUp();
    if (rows.length === 0 && this.deps.keys.codes.hasEarlier) {
      // Not under the current key: perhaps a code made under an earlier one.
      const earlier = this.earlierHashes(code);
      [rows, claimed] = await Promise.all([
        tx.select(this.paymentCodeSqlByEarlier, earlier),
        tx.write(claimPaymentCodeByAny(earlier.length), [now, ...earlier, now]),
      ]);
    }
    const [row] = rows;
    const entity = row && db.hydrate(WalletCodeEntity, row, "", REDEEMED_CODE_FIELDS);
    if (!entity) return fail(ErrorCode.CODE_INVALID, "This is not a valid code");
    this.requireKind(this.assertUsable(entity), "PAYMENT");
    if (claimed !== 1) await this.claimLost(tx, entity);
    return {
      entity,
      card: db.hydrate(CardEntity, row, "card_", CHARGE_CARD_FIELDS),
      confirmAbove: row.confirmAbove == null ? null : Number(row.confirmAbove),
      limits: { dailyMaxAmount: nullableNumber(row.dailyMaxAmount), dailyMaxCount: nullableNumber(row.dailyMaxCount) },
    };
  }

  private get paymentCodeSql(): string {
    this.paymentCodeSelect ??= this.paymentCodeSelectWhere("c.codeHash = ?");
    return this.paymentCodeSelect;
  }

  private get paymentCodeSqlByEarlier(): string {
    this.paymentCodeSelectByEarlier ??= this.paymentCodeSelectWhere(`c.codeHash IN (${placeholders(this.deps.keys.codes.ring.earlier.length)})`);
    return this.paymentCodeSelectByEarlier;
  }

  private paymentCodeSelectWhere(condition: string): string {
    const { db } = this.deps;
    return (
      `SELECT ${db.selectList(WalletCodeEntity, "c", "", REDEEMED_CODE_FIELDS)}, ${db.selectList(CardEntity, "card", "card_", CHARGE_CARD_FIELDS)}, ` +
      "cu.confirmAbove AS confirmAbove, cu.dailyMaxAmount AS dailyMaxAmount, cu.dailyMaxCount AS dailyMaxCount " +
      `FROM wallet_codes c LEFT JOIN cards card ON card.id = c.cardId LEFT JOIN customers cu ON cu.id = c.customerId WHERE ${condition}`
    );
  }

  requireKind<C extends Pick<WalletCodeEntity, "kind">>(entity: C, kind: CodeKind): C {
    if (entity.kind !== kind) {
      fail(ErrorCode.CODE_WRONG_KIND, `This is a ${entity.kind} code, not a ${kind} code`, { kind: entity.kind });
    }
    return entity;
  }

  /**
   * Marks the code used, if nobody has and it has not expired: the database decides
   * between concurrent registers. Throws CODE_ALREADY_USED / CODE_EXPIRED for the losers.
   */
  async claim(tx: Tx, entity: Pick<WalletCodeEntity, "id">): Promise<void> {
    const now = this.deps.clock.now();
    const claimed = await tx.write("UPDATE wallet_codes SET usedAt = ? WHERE id = ? AND usedAt IS NULL AND expiresAt > ?", [now, entity.id, now]);
    if (claimed === 1) return;
    await this.claimLost(tx, entity);
  }

  /** Why a claim changed nothing: another register took the code first, or it just expired. */
  private async claimLost(m: EntityManager, entity: Pick<WalletCodeEntity, "id">): Promise<never> {
    const current = await m.findOneByOrFail(WalletCodeEntity, { id: entity.id });
    this.assertUsable(current);
    throw new WalletError(ErrorCode.CODE_ALREADY_USED, "This code has already been used");
  }

  private assertUsable<C extends Pick<WalletCodeEntity, "usedAt" | "expiresAt">>(entity: C): C {
    if (entity.usedAt) fail(ErrorCode.CODE_ALREADY_USED, "This code has already been used");
    if (entity.expiresAt <= this.deps.clock.now()) fail(ErrorCode.CODE_EXPIRED, "This code has expired");
    return entity;
  }

  /** The stored hash of a code that looks right: a typo fails here, before any lookup. */
  private checkedHash(code: string, knownHash?: string): string {
    const typed = typedCode(code);
    if (looksLikeTicketCode(typed)) fail(ErrorCode.CODE_WRONG_KIND, "This is a TICKET code", { kind: "TICKET" });
    if (!isWellFormedCode(typed)) fail(ErrorCode.CODE_INVALID, "This is not a valid code");
    return knownHash ?? this.hash(typed);
  }

  /**
   * The keyed hash under which a new code is stored, and any code is first looked for;
   * of the code as typed (typedCode), so a code keyed in groups of four is the same code,
   * and the same request to an idempotency key.
   */
  hash(code: string): string {
    return this.deps.keys.codes.hash(typedCode(code));
  }

  /**
   * The code's hashes under the earlier code-hash keys: where a code made before the last
   * rotation is found, and how a request made with it then was described (idempotency).
   */
  earlierHashes(code: string): string[] {
    return this.deps.keys.codes.earlierHashes(typedCode(code));
  }
}
