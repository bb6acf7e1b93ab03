import { ApiKeyEntity, PartnerEntity, StoreEntity } from "../../entities";
import type { ApiKeyRole } from "../../entities/value-lists";
import type { Caller } from "../kernel/caller";
import { API_KEY_PREFIX, newBearer, sha256Hex } from "../crypto/tokens";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, notFound } from "../kernel/errors";
import { requireAdmin } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { webhookUrlProblem } from "../delivery/outbound-address";
import { requireTimeZone } from "../kernel/store-day";
import { requireCurrency, requireText } from "../kernel/validation";
import type { WebhookSecrets } from "../delivery/webhook-secrets";

export interface IssuedApiKey {
  id: string;
  role: ApiKeyRole;
  /** Shown once; only its hash is kept. */
  key: string;
}

/** The back office: stores, partners and the API keys their terminals and systems use. */
export class AdminService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  /**
   * The store, and, when it has a webhook URL, its webhook secret: returned here once,
   * kept only sealed. Its day (report, bills collected) is counted in `timeZone` (UTC
   * unless given).
   */
  async createStore(
    caller: Caller,
    input: { name: string; currency: string; programId?: string | null; webhookUrl?: string | null; timeZone?: string | null },
  ): Promise<{ store: StoreEntity; webhookSecret: string | null }> {
    requireAdmin(caller);
    const webhookUrl = input.webhookUrl ?? null;
    this.requireWebhookUrl(webhookUrl);
    const id = newId();
    const created = webhookUrl === null ? null : this.webhookSecrets.create("store", id);
    const store = Object.assign(new StoreEntity(), {
      id,
      name: requireText(input.name, "name", 100),
      currency: requireCurrency(input.currency),
      programId: input.programId ?? null,
      timeZone: requireTimeZone(input.timeZone ?? "UTC"),
      webhookUrl,
      webhookSecretCiphertext: created?.sealed.ciphertext ?? null,
      webhookSecretKeyId: created?.sealed.keyId ?? null,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((tx) => tx.insert(StoreEntity, store));
    return { store, webhookSecret: created?.secret ?? null };
  }

  /** The partner, and its webhook secret: returned here once, kept only sealed. */
  async createPartner(caller: Caller, name: string, webhookUrl: string | null): Promise<{ partner: PartnerEntity; webhookSecret: string }> {
    requireAdmin(caller);
    this.requireWebhookUrl(webhookUrl);
    const id = newId();
    const { secret, sealed } = this.webhookSecrets.create("partner", id);
    const partner = Object.assign(new PartnerEntity(), {
      id,
      name: requireText(name, "name", 100),
      webhookUrl,
      webhookSecretCiphertext: sealed.ciphertext,
      webhookSecretKeyId: sealed.keyId,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((tx) => tx.insert(PartnerEntity, partner));
    return { partner, webhookSecret: secret };
  }

  /** A REGISTER key belongs to a store; GATE and PARTNER keys to a partner. */
  async issueApiKey(caller: Caller, role: ApiKeyRole, ownerId: string): Promise<IssuedApiKey> {
    requireAdmin(caller);
    const ownerExists = await this.deps.db.read((m) =>
      role === "REGISTER" ? m.existsBy(StoreEntity, { id: ownerId }) : m.existsBy(PartnerEntity, { id: ownerId }),
    );
    if (!ownerExists) notFound(role === "REGISTER" ? "store" : "partner");
    const key = newBearer(API_KEY_PREFIX);
    const id = newId();
    await this.deps.db.tx((tx) =>
      tx.insert(ApiKeyEntity, {
        id,
        role,
        ownerId,
        keyHash: sha256Hex(key),
        revokedAt: null,
        createdAt: this.deps.clock.now(),
      }),
    );
    return { id, role, key };
  }

  findStore(id: string): Promise<StoreEntity | null> {
    return this.deps.db.read((m) => m.findOneBy(StoreEntity, { id }));
  }

  /** BAD_USER_INPUT unless the URL is http(s) and, in production, points at a public address (outbound-address.ts). */
  private requireWebhookUrl(webhookUrl: string | null): void {
    if (webhookUrl === null) return;
    const problem = webhookUrlProblem(webhookUrl, this.deps.config.webhookAllowPrivateTargets);
    if (problem) badInput(problem, { field: "webhookUrl" });
  }
}
