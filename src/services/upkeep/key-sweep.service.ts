import type { EntityManager } from "typeorm";
import { CardEntity, PartnerEntity, StoreEntity, WalletCodeEntity } from "../../entities";
import { affectedRows, isUniqueViolation } from "../../database";
import type { ServiceDeps } from "../kernel/deps";
import { CARD_FINGERPRINT_VARIABLES, CARD_KEY_VARIABLES, CODE_HASH_VARIABLES, WEBHOOK_SECRET_VARIABLES } from "../crypto/purpose-keys";
import { keyIdOf, parseKey, type KeyRing } from "../crypto/key-ring";
import { readDate } from "../../database/column-values";
import { WEBHOOK_OWNERS, type WebhookOwnerKind, type WebhookSecretColumns, type WebhookSecrets } from "../delivery/webhook-secrets";

const BATCH = 200;
/**
 * A pass runs at start and then this often: during a rolling restart, instances still
 * on the old keys keep making data under them until they restart too.
 */
const REPEAT_MS = 60 * 60_000;

/** What one pass did. */
export interface KeySweepResult {
  /** Cards moved to the current card key and/or fingerprint key. */
  cardsMoved: number;
  /** Partners' and stores' webhook secrets sealed again under the current key (or stored at last). */
  partnersMoved: number;
  storesMoved: number;
  /** Rows under a key this server lacks (logged at start with the key id). */
  cardsUnreadable: number;
  partnersUnreadable: number;
  storesUnreadable: number;
  /** Cards whose number the same customer has twice: their fingerprint stays as it was. */
  cardsTwice: number;
}

type SweptCard = Pick<CardEntity, "id" | "customerId" | "panCiphertext" | "panKeyId" | "panFingerprint" | "panFingerprintKeyId">;

/**
 * Moves stored data to the current keys after a rotation, so a previous key can be
 * removed once nothing needs it, and says what a missing key leaves unreadable.
 *
 * - Card numbers are sealed again under the current card key, and fingerprinted again
 *   under the current fingerprint key (from the number itself, so no fingerprint key is
 *   needed for that). Each card is one conditional UPDATE (the ciphertext read must still
 *   be there), so instances sweeping at once, or a card changing meanwhile, do no harm.
 * - Partners' and stores' webhook secrets are sealed again under the current
 *   webhook-secret key; the secret itself never changes.
 * - Codes are not moved: a code is hashed once, under the key current when it was made,
 *   and needs that key until it expires (a bill code lives up to 60 days).
 * At start, before serving, partners from before secrets were stored get theirs stored
 * (webhook-secrets.ts), every key id that data names but this server lacks is logged
 * with what it leaves unreadable and which variables would hold the key, and each
 * earlier code-hash key is logged with the moment it may go: when the last code it
 * hashed expires.
 */
export class KeySweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<KeySweepResult | void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  /** Before serving: derived secrets stored, and what missing keys leave unreadable logged. */
  async prepare(): Promise<void> {
    const partners = await this.deps.db.read((m) =>
      m.createQueryBuilder(PartnerEntity, "p").select("p.id", "id").where("p.webhookSecretCiphertext IS NULL").getRawMany<{ id: string }>(),
    );
    for (const { id } of partners) await this.webhookSecrets.storeDerived(id);
    if (partners.length > 0) {
      this.deps.logger.info(
        { partners: partners.length },
        "stored the webhook secrets of partners made before secrets were stored, as derived from the current CARD_KEY",
      );
    }
    await this.reportUnreadable();
    await this.reportCodeKeysNeeded();
  }

  /** A pass now (in the background), and again every hour. */
  start(): void {
    this.stopped = false;
    this.kick(true);
    this.timer = setInterval(() => this.kick(false), REPEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One pass over cards and partners. Logs what it did, or, on the pass at start, that
   * nothing is left to do: the line an operator waits for before removing a previous key.
   */
  async run(atStart = false): Promise<KeySweepResult> {
    const result: KeySweepResult = {
      cardsMoved: 0,
      partnersMoved: 0,
      storesMoved: 0,
      cardsUnreadable: 0,
      partnersUnreadable: 0,
      storesUnreadable: 0,
      cardsTwice: 0,
    };
    await this.sweepCards(result);
    const partners = await this.sweepWebhookSecrets("partner");
    const stores = await this.sweepWebhookSecrets("store");
    Object.assign(result, { partnersMoved: partners.moved, partnersUnreadable: partners.unreadable });
    Object.assign(result, { storesMoved: stores.moved, storesUnreadable: stores.unreadable });
    if (this.stopped) return result; // cut short by a shutdown: nothing to report
    const unreadable = result.cardsUnreadable + partners.unreadable + stores.unreadable + result.cardsTwice;
    if (atStart || unreadable + result.cardsMoved + partners.moved + stores.moved > 0) {
      this.deps.logger.info(
        { ...result },
        unreadable === 0
          ? "key sweep: every card and webhook secret is now under the current keys"
          : "key sweep: some rows stay under earlier keys (see the errors and warnings logged)",
      );
    }
    return result;
  }

  private kick(atStart: boolean): void {
    if (this.running) return;
    this.running = this.run(atStart)
      .catch((error) => this.deps.logger.error({ err: (error as Error).name }, "key sweep failed; it runs again within the hour"))
      .finally(() => (this.running = null));
  }

  private async sweepCards(result: KeySweepResult): Promise<void> {
    const { cards, fingerprints } = this.deps.keys;
    for (let after = ""; !this.stopped; ) {
      const batch: SweptCard[] = await this.deps.db.read((m) =>
        m
          .createQueryBuilder(CardEntity, "c")
          .select(["c.id", "c.customerId", "c.panCiphertext", "c.panKeyId", "c.panFingerprint", "c.panFingerprintKeyId"])
          .where("c.id > :after", { after })
          // A removed card's fingerprint is retired, so the same number can be added again: it stays so.
          .andWhere("c.removedAt IS NULL")
          .andWhere("(c.panKeyId <> :card OR c.panFingerprintKeyId IS NULL OR c.panFingerprintKeyId <> :fingerprint)", {
            card: cards.currentKeyId,
            fingerprint: fingerprints.currentKeyId,
          })
          .orderBy("c.id", "ASC")
          .limit(BATCH)
          .getMany(),
      );
      for (const card of batch) {
        if (!cards.canOpen(card.panKeyId)) result.cardsUnreadable++;
        else {
          const moved = await this.moveCard(card);
          if (moved === "moved") result.cardsMoved++;
          if (moved === "twice") result.cardsTwice++;
        }
      }
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1].id;
    }
  }

  /** "twice" if the customer has this number twice, so its fingerprint could not move; "changed" if the row did meanwhile. */
  private async moveCard(card: SweptCard): Promise<"moved" | "changed" | "twice"> {
    const { cards, fingerprints } = this.deps.keys;
    const pan = cards.open(card.panCiphertext, card.panKeyId);
    const sealed = card.panKeyId === cards.currentKeyId ? { ciphertext: card.panCiphertext, keyId: card.panKeyId } : cards.seal(pan);
    const update = (fingerprint: Partial<CardEntity>) =>
      this.deps.db.tx((tx) =>
        tx
          .createQueryBuilder()
          .update(CardEntity)
          .set({ panCiphertext: sealed.ciphertext, panKeyId: sealed.keyId, ...fingerprint })
          .where("id = :id AND panCiphertext = :before", { id: card.id, before: card.panCiphertext })
          .execute(),
      );
    try {
      const result = await update({ panFingerprint: fingerprints.hash(pan), panFingerprintKeyId: fingerprints.currentKeyId });
      return affectedRows(result) === 1 ? "moved" : "changed";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // The customer added this number twice before fingerprints kept key ids: the other
    // card has its fingerprint under the current key, so duplicates are still found.
    const twin = await this.deps.db.read((m) =>
      m.findOneBy(CardEntity, { customerId: card.customerId, panFingerprint: fingerprints.hash(pan) }),
    );
    this.deps.logger.warn(
      { cardId: card.id, sameNumberAs: twin?.id ?? null },
      "this customer has the same card number twice; one fingerprint stays under an earlier key until one of the two cards is removed",
    );
    if (sealed.keyId !== card.panKeyId) await update({});
    return "twice";
  }

  /** One kind of webhook owner's secrets, sealed again under the current key. */
  private async sweepWebhookSecrets(kind: WebhookOwnerKind): Promise<{ moved: number; unreadable: number }> {
    const { webhookSecrets } = this.deps.keys;
    const counts = { moved: 0, unreadable: 0 };
    for (let after = ""; !this.stopped; ) {
      const batch: WebhookSecretColumns[] = await this.deps.db.read((m) =>
        m
          .createQueryBuilder(WEBHOOK_OWNERS[kind].entity, "o")
          .select(["o.id", "o.webhookSecretCiphertext", "o.webhookSecretKeyId"])
          .where("o.id > :after", { after })
          // Stores without a webhook have no secret: nothing to move.
          .andWhere(kind === "store" ? "o.webhookSecretCiphertext IS NOT NULL" : "1 = 1")
          .andWhere("(o.webhookSecretKeyId IS NULL OR o.webhookSecretKeyId <> :current)", { current: webhookSecrets.currentKeyId })
          .orderBy("o.id", "ASC")
          .limit(BATCH)
          .getMany(),
      );
      for (const owner of batch) {
        if (owner.webhookSecretKeyId !== null && !webhookSecrets.canOpen(owner.webhookSecretKeyId)) {
          counts.unreadable++;
          continue;
        }
        // A partner made by an instance still on the old version during a rolling upgrade: store it now.
        if (owner.webhookSecretCiphertext === null) await this.webhookSecrets.storeDerived(owner.id);
        else if (!(await this.webhookSecrets.reseal(kind, owner))) continue;
        counts.moved++;
      }
      if (batch.length < BATCH) return counts;
      after = batch[batch.length - 1].id;
    }
    return counts;
  }

  /**
   * Until when each earlier code-hash key is needed: codes are never moved, so a key is
   * needed until the last code it hashed (used or not) expires. Logged for each earlier key
   * that still has one; when none of CODE_HASH_KEYS_PREVIOUS has, that they may go.
   */
  private async reportCodeKeysNeeded(): Promise<void> {
    const { keys, logger, clock, config } = this.deps;
    const earlier = keys.codes.ring.earlier.map((key) => key.id);
    if (earlier.length === 0) return;
    const rows = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(WalletCodeEntity, "c")
        .select("c.codeKeyId", "keyId")
        .addSelect("COUNT(*)", "count")
        .addSelect("MAX(c.expiresAt)", "lastExpiresAt")
        .where("c.expiresAt > :now", { now: clock.now() })
        .andWhere("c.codeKeyId IN (:...earlier)", { earlier })
        .groupBy("c.codeKeyId")
        .getRawMany<{ keyId: string; count: string | number; lastExpiresAt: unknown }>(),
    );
    for (const { keyId, count, lastExpiresAt } of rows) {
      logger.info(
        { keyId, liveCodes: Number(count), neededUntil: readDate(lastExpiresAt).toISOString(), configure: CODE_HASH_VARIABLES },
        "codes made under an earlier code-hash key are still live: keep it until neededUntil, when the last of them expires",
      );
    }
    const configured = config.codeHashKeysPrevious.map((text) => keyIdOf(parseKey(text)));
    const needed = new Set(rows.map((row) => row.keyId));
    if (configured.length > 0 && configured.every((id) => !needed.has(id))) {
      logger.info({ keyIds: configured }, "no live code was made under a key of CODE_HASH_KEYS_PREVIOUS: those keys may be removed");
    }
  }

  /** Logs every key id that stored data names and this server lacks, with what it leaves unreadable. */
  private async reportUnreadable(): Promise<void> {
    const { keys, logger, clock } = this.deps;
    const now = clock.now();
    const missing = <R extends { keyId: string | null }>(rows: R[], ring: KeyRing) =>
      rows.filter((row) => row.keyId !== null && !ring.has(row.keyId));
    const [codes, cards, fingerprints, partners, stores] = await this.deps.db.read(async (m) => [
      await m
        .createQueryBuilder(WalletCodeEntity, "c")
        .select("c.codeKeyId", "keyId")
        .addSelect("COUNT(*)", "count")
        .addSelect("MAX(c.expiresAt)", "lastExpiresAt")
        .where("c.usedAt IS NULL AND c.expiresAt > :now", { now })
        .groupBy("c.codeKeyId")
        .getRawMany<{ keyId: string | null; count: string; lastExpiresAt: unknown }>(),
      await groupCount(m, CardEntity, "panKeyId"),
      await groupCount(m, CardEntity, "panFingerprintKeyId"),
      await groupCount(m, PartnerEntity, "webhookSecretKeyId"),
      await groupCount(m, StoreEntity, "webhookSecretKeyId"),
    ]);
    for (const { keyId, count, lastExpiresAt } of missing(codes, keys.codes.ring)) {
      logger.error(
        { keyId, liveCodes: Number(count), lastExpiresAt: String(lastExpiresAt), configure: CODE_HASH_VARIABLES },
        "live codes were made under a code-hash key that is not configured: they are refused as CODE_INVALID until they expire",
      );
    }
    for (const { keyId, count } of missing(cards, keys.cards.ring)) {
      logger.error(
        { keyId, cards: Number(count), configure: CARD_KEY_VARIABLES },
        "card numbers are sealed under a card key that is not configured: those cards cannot pay (CARD_NOT_AVAILABLE) until it is back",
      );
    }
    for (const { keyId, count } of missing(fingerprints, keys.fingerprints.ring)) {
      logger.warn(
        { keyId, cards: Number(count), configure: CARD_FINGERPRINT_VARIABLES },
        "card fingerprints were made under a fingerprint key that is not configured: the key sweep makes them again from the card numbers",
      );
    }
    for (const { keyId, count } of missing(partners, keys.webhookSecrets.ring)) {
      logger.error(
        { keyId, partners: Number(count), configure: WEBHOOK_SECRET_VARIABLES },
        "partners' webhook secrets are sealed under a webhook-secret key that is not configured: their webhooks wait in the outbox until it is back",
      );
    }
    for (const { keyId, count } of missing(stores, keys.webhookSecrets.ring)) {
      logger.error(
        { keyId, stores: Number(count), configure: WEBHOOK_SECRET_VARIABLES },
        "stores' webhook secrets are sealed under a webhook-secret key that is not configured: their webhooks wait in the outbox until it is back",
      );
    }
  }
}

/** Rows per value of one key-id column. */
function groupCount(
  m: EntityManager,
  entity: typeof CardEntity | typeof PartnerEntity,
  column: string,
): Promise<Array<{ keyId: string | null; count: string }>> {
  return m
    .createQueryBuilder(entity, "t")
    .select(`t.${column}`, "keyId")
    .addSelect("COUNT(*)", "count")
    .groupBy(`t.${column}`)
    .getRawMany();
}
