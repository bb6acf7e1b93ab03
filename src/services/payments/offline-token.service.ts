import type { EntityManager } from "typeorm";
import { parseOfflineToken, OFFLINE_TOKEN_PREFIX, OFFLINE_TOKEN_SECONDS, type OfflineTokenClaims } from "../../../clients/wire/offline-token";
import { CardEntity, DeviceEntity, OfflineTokenUseEntity } from "../../entities";
import { isUniqueViolation, type Tx } from "../../database";
import type { CardService } from "../cards/card.service";
import type { Caller } from "../kernel/caller";
import type { PaymentCodeLookup } from "../codes/code.service";
import { deviceKeyFromDer, verifyDeviceSignature } from "../crypto/device-keys";
import type { DeviceService } from "../devices/device.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { confirmPassword } from "../access/password-check";
import type { Sale } from "./sale";

const DAY_MS = 24 * 3600_000;
/** A clock on the phone this far ahead of ours is still believed. */
const CLOCK_AHEAD_MS = 60_000;

export const isOfflineToken = (code: string): boolean => code.trim().startsWith(OFFLINE_TOKEN_PREFIX);

/**
 * Offline payment tokens (clients/wire/offline-token.ts): made by a phone with no network,
 * signed by its device key, redeemed by the register online. A token pays once
 * (its device and nonce are a unique row), within OFFLINE_TOKEN_SECONDS of being made,
 * up to its own cap, and within its device's offline limits: an amount and a count in
 * any 24 hours, set by the customer up to OFFLINE_MAX_AMOUNT / OFFLINE_MAX_COUNT. A
 * revoked device's tokens pay nothing. The device's signature is the customer's
 * approval, so an offline payment never waits for a confirmation.
 */
export class OfflineTokenService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly cards: CardService,
    private readonly devices: DeviceService,
  ) {}

  /**
   * What a register may know of a token before redeeming it, as lookupCode tells of a
   * payment code: its cap, until when it pays, the masked card. Refused as a redeem
   * refuses it (CODE_INVALID, CODE_EXPIRED, CODE_ALREADY_USED, CARD_NOT_AVAILABLE), but
   * only read: the token is not taken and the device's offline limits are not spent.
   */
  async describe(m: EntityManager, token: string): Promise<PaymentCodeLookup> {
    const { claims, device, card } = await this.check(m, token, false);
    if (await m.existsBy(OfflineTokenUseEntity, { deviceId: device.id, nonce: claims.n })) {
      fail(ErrorCode.CODE_ALREADY_USED, "This payment code has already been used");
    }
    this.cards.requireAvailable(card);
    return {
      kind: "PAYMENT",
      expiresAt: new Date((claims.t + OFFLINE_TOKEN_SECONDS) * 1000),
      maxAmount: claims.m,
      card: { institution: card.institution, brand: card.brand, last4: card.last4 },
    };
  }

  /**
   * In the redeem's transaction: checks the token for this sale and takes it. Answers
   * the card to charge. CODE_INVALID (not ours, forged, revoked device, someone else's
   * card), CODE_EXPIRED, CODE_ALREADY_USED, AMOUNT_OVER_LIMIT (the token's cap or the
   * device's offline limits), CARD_NOT_AVAILABLE.
   */
  async claim(tx: Tx, token: string, sale: Sale, paymentId: string): Promise<CardEntity> {
    // One device's offline payments at a time, so two tokens redeemed at once cannot both
    // pass its limits. On MySQL the locking read comes first: the sums below then read
    // what the transactions before this one committed, not an older snapshot.
    const { claims, device, card } = await this.check(tx, token, this.deps.db.isMysql);
    // The lock holds on one server; on Galera only a write to the same row makes a claim
    // racing on another node fail certification and run again, then seeing this one.
    await tx.update(DeviceEntity, { id: device.id }, { offlineClaims: () => "offlineClaims + 1" });
    const now = this.deps.clock.now();
    this.cards.requireAvailable(card);
    if (sale.amount > claims.m) fail(ErrorCode.AMOUNT_OVER_LIMIT, "The sale is above the limit the customer set on this code", { maxAmount: claims.m });

    const limits = this.limitsOf(device);
    const recent = await tx
      .createQueryBuilder(OfflineTokenUseEntity, "u")
      .select("COUNT(*)", "count")
      .addSelect("COALESCE(SUM(u.amount), 0)", "amount")
      .where("u.deviceId = :deviceId AND u.createdAt > :since", { deviceId: device.id, since: new Date(now.getTime() - DAY_MS) })
      .getRawOne<{ count: string | number; amount: string | number }>();
    if (Number(recent?.count ?? 0) + 1 > limits.count || Number(recent?.amount ?? 0) + sale.amount > limits.amount) {
      fail(ErrorCode.AMOUNT_OVER_LIMIT, "This phone's offline payments are over the limit for today: the customer can pay online", {
        offlineMaxAmount: limits.amount,
        offlineMaxCount: limits.count,
      });
    }
    try {
      await tx.insert(OfflineTokenUseEntity, { id: newId(), deviceId: device.id, nonce: claims.n, paymentId, amount: sale.amount, createdAt: now });
    } catch (error) {
      if (isUniqueViolation(error)) fail(ErrorCode.CODE_ALREADY_USED, "This payment code has already been used");
      throw error;
    }
    return card;
  }

  /**
   * The token's claims, its device and its card, if the device signed it, is not revoked,
   * made it within OFFLINE_TOKEN_SECONDS (by a clock not too far ahead) for a card of its
   * own customer: CODE_INVALID, CODE_EXPIRED. `lockDevice` reads the device for update.
   */
  private async check(m: EntityManager, token: string, lockDevice: boolean): Promise<{ claims: OfflineTokenClaims; device: DeviceEntity; card: CardEntity }> {
    const parsed = parseOfflineToken(token.trim());
    const invalid = () => fail(ErrorCode.CODE_INVALID, "This is not a valid payment code");
    if (!parsed) return invalid();
    const { claims } = parsed;
    const query = m.createQueryBuilder(DeviceEntity, "d").where("d.id = :id", { id: claims.di });
    if (lockDevice) query.setLock("pessimistic_write");
    const device = claims.di.length <= 36 ? await query.getOne() : null;
    if (!device || device.revokedAt) return invalid();
    if (!verifyDeviceSignature(device.algorithm, deviceKeyFromDer(device.publicKey), parsed.text, parsed.signature)) return invalid();
    const now = this.deps.clock.now();
    const madeAt = claims.t * 1000;
    if (madeAt > now.getTime() + CLOCK_AHEAD_MS) return invalid();
    if (madeAt + OFFLINE_TOKEN_SECONDS * 1000 <= now.getTime()) fail(ErrorCode.CODE_EXPIRED, "This offline payment code has expired");
    const card = claims.c.length <= 36 ? await m.findOneBy(CardEntity, { id: claims.c }) : null;
    if (!card || card.customerId !== device.customerId) return invalid();
    return { claims, device, card };
  }

  /** The customer's limits for one of their devices' offline tokens, within the operator's maximum; the password is asked. */
  async setLimits(caller: Caller, deviceId: string, maxAmount: number, maxCount: number, password: string): Promise<DeviceEntity> {
    const session = requireCustomer(caller);
    const { offlineMax } = this.deps.config;
    if (!Number.isSafeInteger(maxAmount) || maxAmount < 0 || maxAmount > offlineMax.amount) {
      badInput(`maxAmount must be 0 to ${offlineMax.amount}`, { field: "maxAmount" });
    }
    if (!Number.isSafeInteger(maxCount) || maxCount < 0 || maxCount > offlineMax.count) badInput(`maxCount must be 0 to ${offlineMax.count}`, { field: "maxCount" });
    const device = await this.devices.own(caller, deviceId);
    await confirmPassword(this.deps, session, password);
    await this.deps.db.tx((tx) => tx.update(DeviceEntity, { id: device.id }, { offlineMaxAmount: maxAmount, offlineMaxCount: maxCount }));
    return { ...device, offlineMaxAmount: maxAmount, offlineMaxCount: maxCount };
  }

  limitsOf(device: Pick<DeviceEntity, "offlineMaxAmount" | "offlineMaxCount">): { amount: number; count: number } {
    const { offlineMax } = this.deps.config;
    return { amount: device.offlineMaxAmount ?? offlineMax.amount, count: device.offlineMaxCount ?? offlineMax.count };
  }
}
