import { In, IsNull, type EntityManager } from "typeorm";
import { CardEntity } from "../../entities";
import type { CardKind, CardStatus } from "../../entities/value-lists";
import type { Caller } from "../kernel/caller";
import { brandOf, luhnValid } from "../crypto/luhn";
import { CARD_KEY_VARIABLES } from "../crypto/purpose-keys";
import { KeyNotConfigured } from "../crypto/sealer";
import { isUniqueViolation } from "../../database";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { confirmPassword } from "../access/password-check";
import { optionalText, requireText } from "../kernel/validation";
import { cardExpired } from "./card-expiry";

const UPDATE_EXPIRY = "UPDATE cards SET expiryMonth = ?, expiryYear = ? WHERE id = ? AND customerId = ? AND removedAt IS NULL";
const REMOVE_CARD = "UPDATE cards SET status = ?, removedAt = ?, panFingerprint = ? WHERE id = ? AND customerId = ? AND removedAt IS NULL";

/** A card as the phone sees it: a card past its expiry shows NOT_AVAILABLE whatever the customer set, and says why. */
export type CardView = CardEntity & { expired: boolean };

export interface AddCardInput {
  pan: string;
  expiryMonth: number;
  expiryYear: number;
  holderName: string;
  kind: CardKind;
  institution: string;
  label?: string | null;
}

/**
 * The cards in a customer's wallet. The PAN goes in once, is checked and encrypted, and
 * never comes out again except to the institution at authorization time.
 *
 * A card added twice is found by the PAN's fingerprint (a keyed hash) under the current
 * fingerprint key and, while a rotation is under way, under the earlier ones: the key
 * sweep (key-sweep.service.ts) moves every card to the current keys in the background.
 */
export class CardService {
  constructor(private readonly deps: ServiceDeps) {}

  async addCard(caller: Caller, input: AddCardInput): Promise<CardView> {
    const { customerId } = requireCustomer(caller);
    const pan = input.pan.replace(/[\s-]/g, "");
    if (!/^\d{12,19}$/.test(pan) || !luhnValid(pan)) badInput("The card number is not valid", { field: "pan" });
    this.checkExpiry(input.expiryMonth, input.expiryYear);
    const { keys } = this.deps;
    const { ciphertext, keyId } = keys.cards.seal(pan);
    const card = Object.assign(new CardEntity(), {
      id: newId(),
      customerId,
      kind: input.kind,
      institution: requireText(input.institution, "institution", 100),
      brand: brandOf(pan),
      last4: pan.slice(-4),
      expiryMonth: input.expiryMonth,
      expiryYear: input.expiryYear,
      holderName: requireText(input.holderName, "holderName", 100),
      label: optionalText(input.label, "label", 50),
      // A new card is in the wallet but not offered for payment until the customer says so.
      status: "NOT_AVAILABLE" as CardStatus,
      panCiphertext: ciphertext,
      panKeyId: keyId,
      panFingerprint: keys.fingerprints.hash(pan),
      panFingerprintKeyId: keys.fingerprints.currentKeyId,
      createdAt: this.deps.clock.now(),
      removedAt: null,
    });
    try {
      await this.deps.db.tx(async (tx) => {
        // Under the current key the unique index below finds the twin; under an earlier one only this does.
        if (await this.inWalletUnderEarlierKey(tx, customerId, pan)) badInput("This card is already in the wallet", { field: "pan" });
        // Selectors are small numbers, "1", "2", ... per customer; the unique index
        // turns a race between two adds into a clean error rather than a duplicate.
        const count = await tx.countBy(CardEntity, { customerId });
        card.selector = String(count + 1);
        await tx.insert(CardEntity, card);
      });
    } catch (error) {
      if (isUniqueViolation(error)) badInput("This card is already in the wallet", { field: "pan" });
      throw error;
    }
    return this.shown(card);
  }

  private async inWalletUnderEarlierKey(m: EntityManager, customerId: string, pan: string): Promise<boolean> {
    const { fingerprints } = this.deps.keys;
    if (!fingerprints.hasEarlier) return false;
    return m.existsBy(CardEntity, { customerId, panFingerprint: In(fingerprints.earlierHashes(pan)) });
  }

  async cards(caller: Caller): Promise<CardView[]> {
    const { customerId } = requireCustomer(caller);
    const cards = await this.deps.db.read((m) => m.find(CardEntity, { where: { customerId, removedAt: IsNull() }, order: { createdAt: "ASC" } }));
    return cards.map((card) => this.shown(card));
  }

  /** The card with the status it pays with now: NOT_AVAILABLE while past its expiry, whatever was set. */
  shown(card: CardEntity): CardView {
    const expired = cardExpired(card, this.deps.clock.now());
    return { ...card, status: expired ? "NOT_AVAILABLE" : card.status, expired };
  }

  /**
   * The card's new expiry, from the renewed card the institution sent (the number stays
   * the same). A date already past is refused, as when adding. The status the customer
   * set is kept: a card that was AVAILABLE before it expired pays again. One conditional
   * UPDATE on the caller's own card, still in the wallet; NOT_FOUND otherwise.
   */
  async updateCardExpiry(caller: Caller, cardId: string, expiryMonth: number, expiryYear: number): Promise<CardView> {
    const { customerId } = requireCustomer(caller);
    this.checkExpiry(expiryMonth, expiryYear);
    const card = await this.ownCard(customerId, cardId);
    const updated = await this.deps.db.write(UPDATE_EXPIRY, [expiryMonth, expiryYear, card.id, customerId]);
    if (updated !== 1) return notFound("card");
    return this.shown({ ...card, expiryMonth, expiryYear });
  }

  /**
   * Takes a card out of the wallet. The row stays, switched off and marked removed, so the
   * payments that name it keep their history and any code issued for it is refused at the
   * register (the card is not AVAILABLE). Its fingerprint is retired, so the same number
   * may be added again later. One conditional UPDATE decides: of two removals racing,
   * the second finds no card. Another customer's card and a missing one are both NOT_FOUND.
   */
  async removeCard(caller: Caller, cardId: string): Promise<CardView> {
    const { customerId } = requireCustomer(caller);
    const card = await this.ownCard(customerId, cardId);
    const now = this.deps.clock.now();
    const retired = `removed:${card.id}`;
    const removed = await this.deps.db.write(REMOVE_CARD, ["NOT_AVAILABLE", now, retired, card.id, customerId]);
    if (removed !== 1) return notFound("card");
    return { ...card, status: "NOT_AVAILABLE", removedAt: now, panFingerprint: retired, expired: cardExpired(card, now) };
  }

  /** AVAILABLE is refused for a card past its expiry (update the expiry first); NOT_AVAILABLE always goes. */
  async setCardStatus(caller: Caller, cardId: string, status: CardStatus, password: string): Promise<CardView> {
    const session = requireCustomer(caller);
    const card = await this.ownCard(session.customerId, cardId);
    if (status === "AVAILABLE" && cardExpired(card, this.deps.clock.now())) {
      fail(ErrorCode.CARD_NOT_AVAILABLE, "This card has expired: update its expiry from the renewed card first", { expired: true });
    }
    await confirmPassword(this.deps, session, password);
    await this.deps.db.tx((tx) => tx.update(CardEntity, { id: card.id }, { status }));
    return this.shown({ ...card, status });
  }

  async ownCard(customerId: string, cardId: string): Promise<CardEntity> {
    const card = await this.deps.db.read((m) => m.findOneBy(CardEntity, { id: cardId }));
    // Someone else's card, or one removed, is simply not there for this caller.
    if (!card || card.customerId !== customerId || card.removedAt) return notFound("card");
    return card;
  }

  /**
   * The card as it stands inside `m`'s transaction, which must find it AVAILABLE. On
   * MySQL the row is read with a shared lock, so switching the card off waits until the
   * transaction that relies on it has committed (SQLite runs transactions one at a time).
   */
  async requireAvailableNow(m: EntityManager, cardId: string): Promise<CardEntity> {
    const query = m.createQueryBuilder(CardEntity, "card").where("card.id = :cardId", { cardId });
    if (this.deps.db.isMysql) query.setLock("pessimistic_read");
    return this.requireAvailable(await query.getOne());
  }

  /**
   * The card if it can pay: AVAILABLE, not past its expiry (card-expiry.ts), and its number readable. A number sealed under a
   * card key this server lacks (a previous key removed too early) is refused before any
   * code is used or payment begun, and the log names the key id, never a key.
   */
  requireAvailable<C extends Pick<CardEntity, "id" | "status" | "panKeyId" | "expiryMonth" | "expiryYear">>(card: C | null): C {
    if (!card || card.status !== "AVAILABLE") fail(ErrorCode.CARD_NOT_AVAILABLE, "This card is not available for payment");
    if (cardExpired(card!, this.deps.clock.now())) fail(ErrorCode.CARD_NOT_AVAILABLE, "This card has expired", { expired: true });
    if (!this.deps.keys.cards.canOpen(card!.panKeyId)) {
      this.logUnreadable(card!);
      fail(ErrorCode.CARD_NOT_AVAILABLE, "This card cannot be used for payment right now");
    }
    return card!;
  }

  decryptPan(card: Pick<CardEntity, "id" | "panCiphertext" | "panKeyId">): string {
    try {
      return this.deps.keys.cards.open(card.panCiphertext, card.panKeyId);
    } catch (error) {
      // Reached only by a payment that passed requireAvailable on an instance with the key.
      if (error instanceof KeyNotConfigured) this.logUnreadable(card);
      throw error;
    }
  }

  /** requireAvailable's rule as a yes or no, for a caller that must not say why a card cannot pay. */
  canPay(card: Pick<CardEntity, "id" | "status" | "panKeyId" | "expiryMonth" | "expiryYear">): boolean {
    if (card.status !== "AVAILABLE" || cardExpired(card, this.deps.clock.now())) return false;
    if (this.deps.keys.cards.canOpen(card.panKeyId)) return true;
    this.logUnreadable(card);
    return false;
  }

  private logUnreadable(card: Pick<CardEntity, "id" | "panKeyId">): void {
    this.deps.logger.error(
      { cardId: card.id, keyId: card.panKeyId, configure: CARD_KEY_VARIABLES },
      "card number sealed under a card key that is not configured; the card cannot pay until that key is back",
    );
  }

  private checkExpiry(month: number, year: number): void {
    if (!Number.isInteger(month) || month < 1 || month > 12) badInput("expiryMonth must be 1 to 12", { field: "expiryMonth" });
    if (!Number.isInteger(year) || year < 2000 || year > 2100) badInput("expiryYear must be a four-digit year", { field: "expiryYear" });
    const now = this.deps.clock.now();
    const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
    if (year * 12 + month < thisMonth) badInput("The card has expired", { field: "expiryYear" });
  }
}
