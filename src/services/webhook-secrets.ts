import { createHmac, randomBytes } from "node:crypto";
import { PartnerEntity } from "../entities";
import { affectedRows } from "../database";
import type { ServiceDeps } from "./deps";
import { KeyNotConfigured, type Sealed } from "./crypto/sealer";

const SECRET_PREFIX = "whsec_";

type PartnerSecretColumns = Pick<PartnerEntity, "id" | "webhookSecretCiphertext" | "webhookSecretKeyId">;

/**
 * Partners' webhook secrets. A partner is given its secret once (createPartner) and it
 * never changes because a server key rotated: it is random, and stored sealed under the
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

  /** A new partner's secret and its sealed form, to store with the partner. */
  create(partnerId: string): { secret: string; sealed: Sealed } {
    const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
    return { secret, sealed: this.deps.keys.webhookSecrets.seal(secret, partnerId) };
  }

  /**
   * The secret this partner was given. KeyNotConfigured if it is sealed under a key the
   * server lacks (logged with the key id; the webhook waits in the outbox meanwhile).
   */
  async secretOf(partner: PartnerSecretColumns): Promise<string> {
    if (partner.webhookSecretCiphertext === null || partner.webhookSecretKeyId === null) return this.storeDerived(partner.id);
    try {
      return this.deps.keys.webhookSecrets.open(partner.webhookSecretCiphertext, partner.webhookSecretKeyId, partner.id);
    } catch (error) {
      if (error instanceof KeyNotConfigured) {
        this.deps.logger.error(
          { partnerId: partner.id, keyId: error.keyId, configure: error.variables },
          "partner's webhook secret is sealed under a webhook-secret key that is not configured; its webhooks wait until that key is back",
        );
      }
      throw error;
    }
  }

  /** Seals a stored secret under the current key; false if the row changed meanwhile. */
  async reseal(partner: PartnerSecretColumns): Promise<boolean> {
    const secret = await this.secretOf(partner);
    const sealed = this.deps.keys.webhookSecrets.seal(secret, partner.id);
    const result = await this.deps.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(PartnerEntity)
        .set({ webhookSecretCiphertext: sealed.ciphertext, webhookSecretKeyId: sealed.keyId })
        .where("id = :id AND webhookSecretCiphertext = :before", { id: partner.id, before: partner.webhookSecretCiphertext })
        .execute(),
    );
    return affectedRows(result) === 1;
  }

  /** The secret derived from CARD_KEY, as partners made before secrets were stored were given it; stored sealed from now on. */
  async storeDerived(partnerId: string): Promise<string> {
    const secret = SECRET_PREFIX + createHmac("sha256", this.deps.keys.legacyWebhookKey).update(partnerId).digest("base64url");
    const sealed = this.deps.keys.webhookSecrets.seal(secret, partnerId);
    // Another instance may store it first: the same secret, so whichever row wins is right.
    await this.deps.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(PartnerEntity)
        .set({ webhookSecretCiphertext: sealed.ciphertext, webhookSecretKeyId: sealed.keyId })
        .where("id = :id AND webhookSecretCiphertext IS NULL", { id: partnerId })
        .execute(),
    );
    return secret;
  }
}
