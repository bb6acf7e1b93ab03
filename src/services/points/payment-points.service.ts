import { MembershipEntity, PaymentEntity, PointMovementEntity, PointSettlementEntity, ProgramEntity, StoreEntity } from "../../entities";
import type { PointMovementKind } from "../../entities/point-movement.entity";
import type { Tx } from "../../database";
import type { CodeService } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, forbidden } from "../kernel/errors";
import { newId } from "../kernel/ids";
import { POINT_SETTLEMENT_MOVES } from "./point-settlement-states";
import type { PointReceipts } from "./point-receipts";
import { LotTakenMeanwhile, addLot, returnPoints, takePoints, takePointsUpTo } from "./points.service";
import type { HoldRequest, MoneyBack, PaymentHold } from "../payments/payment-holds";
import { byId } from "../kernel/status-table";
import { tellEarned } from "./point-notices";

/** A hold whose points lost their lots to other settlements is tried again, up to this many times in all. */
const HOLD_ATTEMPTS = 5;

/** What a register asks of the points with a card payment. */
export interface PointsWithPayment {
  memberCode: string;
  redeemPoints: number;
}

/** The register's arguments, checked: null for a payment without points. */
export function pointsAsked(memberCode: string | null | undefined, redeemPoints: number | null | undefined): PointsWithPayment | null {
  if (memberCode == null) {
    if (redeemPoints) badInput("redeemPoints needs a memberCode", { field: "redeemPoints" });
    return null;
  }
  return { memberCode, redeemPoints: redeemPoints ?? 0 };
}

/**
 * Points with a card payment, all or nothing (redeemCode with a member code), through the
 * payments' hold port (payments/payment-holds.ts): `requestFor` is what the redeem takes in
 * its first transaction, and this service is the hold its decisions move. The
 * payment's first transaction holds the redeemed points (taken from the lots, recorded
 * in a HELD settlement); its decision settles them (the redemption and the earning on
 * what the card paid) or, when the card is not charged (declined, rejected on the phone,
 * expired, voided, reversed after a timeout or a crash), gives them back to their lots.
 * Refunds reverse them in proportion. The lots themselves are the ledger's
 * (points.service.ts).
 */
export class PaymentPointsService implements PaymentHold {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    /** Each movement's signed receipt (point-receipts.ts). */
    private readonly pointReceipts: PointReceipts,
  ) {}

  /**
   * What a redeem with points asks its first transaction to hold; null without points.
   * The idempotency key remembers the member code's hash and the points asked.
   */
  requestFor(asked: PointsWithPayment | null): HoldRequest | null {
    if (!asked) return null;
    return {
      fingerprint: { member: this.codes.hash(asked.memberCode.trim()), redeemPoints: asked.redeemPoints },
      withOfflineToken: { message: "Points with the payment need a payment code from the server, not an offline token", field: "memberCode" },
      take: async (tx, at) => {
        const { discount, settlementId } = await this.hold(tx, at.storeId, at.customerId, asked, at.amount);
        return { discount, marks: { pointsSettlementId: settlementId } };
      },
      retry: { when: (error) => error instanceof LotTakenMeanwhile, attempts: HOLD_ATTEMPTS, exhausted: pointsSpentMeanwhile },
    };
  }

  holds(payment: PaymentEntity): boolean {
    return payment.pointsSettlementId !== null;
  }

  /**
   * In the payment's first transaction: the member code claimed, the points taken and
   * held. Returns the discount (the points at the program's value) and the settlement.
   * The member code must be the paying customer's, at a store of its program, and the
   * card must pay something: a sale paid all in points is a settlePoints.
   */
  private async hold(tx: Tx, storeId: string, customerId: string, asked: PointsWithPayment, saleAmount: number): Promise<{ discount: number; settlementId: string }> {
    const { redeemPoints } = asked;
    if (!Number.isSafeInteger(redeemPoints) || redeemPoints < 0) badInput("redeemPoints must be 0 or more", { field: "redeemPoints" });
    const code = this.codes.requireKind(await this.codes.findUsable(tx, asked.memberCode), "MEMBER");
    if (code.customerId !== customerId) badInput("The member code and the payment code are different customers'", { field: "memberCode" });
    const membership = await tx.findOneByOrFail(MembershipEntity, { id: code.membershipId! });
    const program = await tx.findOneByOrFail(ProgramEntity, { id: membership.programId });
    const store = await tx.findOneByOrFail(StoreEntity, { id: storeId });
    if (store.programId !== program.id) forbidden("This store is not part of the member's program");
    const discount = redeemPoints * program.pointValue;
    if (discount >= saleAmount) {
      badInput("The points redeemed are worth the whole sale or more: the card must pay something (settlePoints takes a sale paid all in points)", {
        field: "redeemPoints",
      });
    }
    await this.codes.claim(tx, code);
    const now = this.deps.clock.now();
    const heldLots = redeemPoints > 0 ? await takePoints(tx, membership.id, redeemPoints, now) : [];
    const settlementId = newId();
    await tx.insert(PointSettlementEntity, {
      id: settlementId,
      membershipId: membership.id,
      storeId,
      purchaseAmount: saleAmount,
      pointsRedeemed: redeemPoints,
      // What the card pays earns, at the program's rate, rounded down; earned once approved.
      pointsEarned: Math.floor(((saleAmount - discount) * program.pointsPerUnitMicros) / 1e6),
      discount,
      createdAt: now,
      state: "HELD",
      heldLots,
      pointsReturned: 0,
      pointsTakenBack: 0,
      shortfall: 0,
    });
    return { discount, settlementId };
  }

  /** The payment was approved: the held points are redeemed and the earning is made. */
  async settle(tx: Tx, payment: PaymentEntity): Promise<void> {
    if (!(await this.leaveHeld(tx, payment, "settle"))) return;
    const { settlement, movement, program, membership } = await this.context(tx, payment);
    const now = this.deps.clock.now();
    if (settlement.pointsRedeemed > 0) await movement("REDEEM", -settlement.pointsRedeemed, null);
    if (settlement.pointsEarned > 0) {
      const expiresAt = await addLot(tx, settlement.membershipId, settlement.pointsEarned, program.expiryDays, now);
      await movement("EARN", settlement.pointsEarned, expiresAt);
      await tellEarned(this.deps, tx, program, membership, payment.storeName, settlement.pointsEarned, now);
    }
  }

  /** The card was not charged: the held points go back to their lots; nothing was earned. */
  async release(tx: Tx, payment: PaymentEntity): Promise<void> {
    if (!(await this.leaveHeld(tx, payment, "release"))) return;
    const settlement = await tx.findOneByOrFail(PointSettlementEntity, { id: payment.pointsSettlementId! });
    await returnPoints(tx, settlement.heldLots ?? [], 0, settlement.pointsRedeemed);
  }

  /** The payment gave money back: the points follow in proportion (a void: all of them). */
  reverse(tx: Tx, payment: PaymentEntity, back: MoneyBack): Promise<void> {
    return this.reverseShare(tx, payment, back.before, back.after);
  }

  /**
   * A refund took the payment's refunded total from `before` to `after`: the redeemed
   * points are given back and the earned ones taken back in that proportion (each as
   * the share of the new total less the share of the old, rounded down, so the last
   * refund reverses exactly what is left). Redeemed points go back first, so they can
   * cover the take-back. Earned points the member has spent meanwhile cannot be taken:
   * the balance never goes negative, and what was missing is recorded as a shortfall.
   */
  private async reverseShare(tx: Tx, payment: PaymentEntity, before: number, after: number): Promise<void> {
    const locking = this.deps.db.isMysql;
    // A locking read: a refund that waited for another one's commit sees what it reversed.
    const settlement = await tx.findOne(PointSettlementEntity, {
      where: { id: payment.pointsSettlementId! },
      ...(locking ? { lock: { mode: "pessimistic_write" as const } } : {}),
    });
    if (!settlement || settlement.state !== "SETTLED") return;
    const share = (points: number, refunded: number) => Math.floor((points * refunded) / payment.amount);
    const toReturn = share(settlement.pointsRedeemed, after) - share(settlement.pointsRedeemed, before);
    const toTakeBack = share(settlement.pointsEarned, after) - share(settlement.pointsEarned, before);
    if (toReturn === 0 && toTakeBack === 0) return;
    const { movement } = await this.context(tx, payment, settlement);
    const now = this.deps.clock.now();
    if (toReturn > 0) {
      await returnPoints(tx, settlement.heldLots ?? [], settlement.pointsReturned, toReturn);
      await movement("RETURN", toReturn, null);
    }
    const taken = toTakeBack > 0 ? await takePointsUpTo(tx, settlement.membershipId, toTakeBack, now, locking) : 0;
    if (taken > 0) await movement("TAKE_BACK", -taken, null);
    if (taken < toTakeBack) {
      this.deps.logger.warn({ paymentId: payment.id, shortfall: toTakeBack - taken }, "earned points already spent: shortfall recorded");
    }
    await tx.update(PointSettlementEntity, { id: settlement.id }, {
      pointsReturned: settlement.pointsReturned + toReturn,
      pointsTakenBack: settlement.pointsTakenBack + taken,
      shortfall: settlement.shortfall + (toTakeBack - taken),
    });
  }

  /** Out of HELD by `move`, decided by the row: false when the payment's points already left HELD. */
  private async leaveHeld(tx: Tx, payment: PaymentEntity, move: "settle" | "release"): Promise<boolean> {
    if (!payment.pointsSettlementId) return false;
    const { sql, params } = POINT_SETTLEMENT_MOVES.update(move, byId(payment.pointsSettlementId), {});
    return (await tx.write(sql, params)) === 1;
  }

  /** The settlement, its program, and a writer of its movements for the program's change feed. */
  private async context(tx: Tx, payment: PaymentEntity, known?: PointSettlementEntity) {
    const settlement = known ?? (await tx.findOneByOrFail(PointSettlementEntity, { id: payment.pointsSettlementId! }));
    const membership = await tx.findOneByOrFail(MembershipEntity, { id: settlement.membershipId });
    const program = await tx.findOneByOrFail(ProgramEntity, { id: membership.programId });
    const movement = (kind: PointMovementKind, points: number, expiresAt: Date | null) =>
      this.pointReceipts.record(
        tx,
        Object.assign(new PointMovementEntity(), {
          id: newId(),
          programId: program.id,
          membershipId: membership.id,
          memberNumber: membership.memberNumber,
          storeId: payment.storeId,
          settlementId: settlement.id,
          kind,
          points,
          expiresAt,
          createdAt: this.deps.clock.now(),
        }),
        membership.customerId,
        payment.id,
      );
    return { settlement, program, membership, movement };
  }
}

/** INSUFFICIENT_POINTS after a hold lost its lots to other settlements several times. */
export const pointsSpentMeanwhile = (): never => fail(ErrorCode.INSUFFICIENT_POINTS, "The points were just spent elsewhere");
