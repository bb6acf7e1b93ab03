import { createHmac, randomBytes } from "node:crypto";
import { PartnerEntity, StoreEntity } from "../../entities";
import { affectedRows } from "../../database";
import type { ServiceDeps } from "../kernel/deps";
import { KeyNotConfigured, type Sealed } from "../crypto/sealer";

const SECRET_PREFIX = "whsec_";

/** Who receives webhooks: a partner (billers, ticket shops, HQs) or a store's back office. */
export type WebhookOwnerKind = "partner" | "store";

export type WebhookSecretColumns = Pick<PartnerEntity, "id" | "webhookSecretCiphertext" | "webhookSecretKeyId">;

/**
 * Each kind's table, and what its sealed secret is bound to: a partner's own id (as
 * secrets have always been sealed), a store's id under its kind, so a sealed value can
 * never be moved from one table's row to the other's.
 */
export const WEBHOOK_OWNERS = {
  partner: { entity: PartnerEntity, boundTo: (id: string) => id },
  store: { entity: StoreEntity, boundTo: (id: string) => `store:${id}` },
} as const;

/**
 * Webhook secrets of partners and stores. An owner is given its secret once
 * (createPartner, createStore) and it never changes because a server key rotated: it is random, and stored sealed under the
 * webhook-secret key with that key's id (bound to the partner's id), so rotating the
 * webhook-secret key only re-seals it (key-sweep.service.ts).
 *
 * A partner whose row has no sealed secret was made before secrets were stored, and was
 * given one derived from CARD_KEY (HMAC of the partner id under a key derived from it).
 * Each start stores those, sealed, as derived from the CARD_KEY it starts with: the key
 * they were derived from, unless CARD_KEY is rotated in the same restart as the upgrade
 * (the README says not to). From then on they are stored secrets like any other.
 */
export class WebhookSecrets {
  constructor(private readonly deps: ServiceDeps) {}

  /** A new owner's secret and its sealed form, to store with the owner. */
  create(kind: WebhookOwnerKind, ownerId: string): { secret: string; sealed: Sealed } {
    const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
    return { secret, sealed: this.deps.keys.webhookSecrets.seal(secret, WEBHOOK_OWNERS[kind].boundTo(ownerId)) };
  }

  /**
   * The secret this partner was given. KeyNotConfigured if it is sealed under a key the
   * server lacks (logged with the key id; the webhook waits in the outbox meanwhile).
   */
  async secretOf(kind: WebhookOwnerKind, owner: WebhookSecretColumns): Promise<string> {
    if (owner.webhookSecretCiphertext === null || owner.webhookSecretKeyId === null) {
      // Only partners were ever made without a stored secret; a store always has one with its URL.
      if (kind === "partner") return this.storeDerived(owner.id);
      throw new Error("this store has no webhook secret");
    }
    try {
      return this.deps.keys.webhookSecrets.open(owner.webhookSecretCiphertext, owner.webhookSecretKeyId, WEBHOOK_OWNERS[kind].boundTo(owner.id));
    } catch (error) {
      if (error instanceof KeyNotConfigured) {
        this.deps.logger.error(
          { [`${kind}Id`]: owner.id, keyId: error.keyId, configure: error.variables },
          `${kind}'s webhook secret is sealed under a webhook-secret key that is not configured; its webhooks wait until that key is back`,
        );
      }
      throw error;
    }
  }

  /** Seals a stored secret under the current key; false if the row changed meanwhile. */
  async reseal(kind: WebhookOwnerKind, owner: WebhookSecretColumns): Promise<boolean> {
    const secret = await this.secretOf(kind, owner);
    const sealed = this.deps.keys.webhookSecrets.seal(secret, WEBHOOK_OWNERS[kind].boundTo(owner.id));
    const result = await this.deps.db.tx((tx) =>
      tx
        .createQueryBuilder()
        .update(WEBHOOK_OWNERS[kind].entity)
        .set({ webhookSecretCiphertext: sealed.ciphertext, webhookSecretKeyId: sealed.keyId })
        .where("id = :id AND webhookSecretCiphertext = :before", { id: owner.id, before: owner.webhookSecretCiphertext })
        .execute(),
    );
    return affectedRows(result) === 1;
  }

  /** The secret derived from CARD_KEY, as partners made before secrets were stored were given it; stored sealed from now on. */
  async storeDerived(partnerId: string): Promise<string> {
    const secret = SECRET_PREFIX + createHmac("sha256", this.deps.keys.legacyWebhookKey).update(partnerId).digest("base64url");
    const sealed = this.deps.keys.webhookSecrets.seal(secret, partnerId);
    // Another instance may store it first: the same secret, so whichever row wins is right.
    await this.deps.db.tx((tx) =>
      tx
        .createQueryBuilder()
        .update(PartnerEntity)
        .set({ webhookSecretCiphertext: sealed.ciphertext, webhookSecretKeyId: sealed.keyId })
        .where("id = :id AND webhookSecretCiphertext IS NULL", { id: partnerId })
        .execute(),
    );
    return secret;
  }
}
