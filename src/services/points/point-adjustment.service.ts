import { MembershipEntity, PointMovementEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, WalletError, badInput, notFound } from "../kernel/errors";
import { requirePartner } from "../kernel/guards";
import type { IdempotencyService } from "../kernel/idempotency.service";
import { newId } from "../kernel/ids";
import { requireText } from "../kernel/validation";
import { readBalance } from "../members/point-lots";
import type { ProgramService } from "../members/program.service";
import { tellAdjusted } from "./point-notices";
import type { PointReceipts } from "./point-receipts";
import { LotTakenMeanwhile, addLot, takePoints } from "./points.service";

/** One adjustment moves at most this many points either way: a slip of the keyboard stays small. */
export const MAX_ADJUSTMENT = 1_000_000;
const ATTEMPTS = 5;

export interface PointAdjustment {
  id: string;
  memberNumber: string;
  points: number;
  reason: string;
  /** The member's balance right after it. */
  balance: number;
  expiresAt: Date | null;
  at: Date;
}

/**
 * Manual point adjustments by the program's partner (a goodwill gesture, a correction):
 * `points` added (a new lot, expiring after the program's days) or taken (from the lots
 * that expire first, each take conditional on the lot still holding the points, so the
 * balance never goes below zero: INSUFFICIENT_POINTS, with what is there). Each is an
 * ADJUST movement in the program's feed with its reason and the partner's key as actor,
 * a signed receipt (points.adjusted), and a notice in the member's inbox, all in one
 * transaction. Idempotent on the partner's key.
 */
export class PointAdjustmentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly idempotency: IdempotencyService,
    private readonly programs: ProgramService,
    private readonly pointReceipts: PointReceipts,
  ) {}

  async adjustPoints(caller: Caller, programId: string, memberNumber: string, points: number, reasonInput: string, idempotencyKey: string): Promise<PointAdjustment> {
    const partner = requirePartner(caller);
    const program = await this.programs.ownProgram(caller, programId);
    if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > MAX_ADJUSTMENT) {
      badInput(`points must be a whole number from -${MAX_ADJUSTMENT} to ${MAX_ADJUSTMENT}, not 0`, { field: "points" });
    }
    const reason = requireText(reasonInput, "reason", 200);
    const number = requireText(memberNumber, "memberNumber", 16);
    return this.idempotency.run({
      scope: `key:${partner.apiKeyId}`,
      key: idempotencyKey,
      operation: "adjustPoints",
      request: { programId, memberNumber: number, points, reason },
      load: (id) => this.adjustment(id),
      work: async (claim) => {
        const id = newId();
        for (let attempt = 1; ; attempt++) {
          try {
            await this.deps.db.tx(async (tx) => {
              claim(tx, id);
              const membership = await tx.findOneBy(MembershipEntity, { programId, memberNumber: number });
              if (!membership) return notFound("member");
              const now = this.deps.clock.now();
              const expiresAt = points > 0 ? await addLot(tx, membership.id, points, program.expiryDays, now) : null;
              if (points < 0) await takePoints(tx, membership.id, -points, now);
              const movement = Object.assign(new PointMovementEntity(), {
                id,
                programId,
                membershipId: membership.id,
                memberNumber: membership.memberNumber,
                kind: "ADJUST",
                points,
                // No store made it: the program stands in its place (docs/points.md).
                storeId: programId,
                settlementId: id,
                expiresAt,
                createdAt: now,
                reason,
                actorId: partner.apiKeyId,
              });
              await this.pointReceipts.record(tx, movement, membership.customerId);
              await tellAdjusted(this.deps, tx, program, membership, points, reason, now);
            });
            return this.adjustment(id);
          } catch (error) {
            if (!(error instanceof LotTakenMeanwhile)) throw error;
            if (attempt >= ATTEMPTS) throw new WalletError(ErrorCode.INSUFFICIENT_POINTS, "The points were just spent elsewhere");
          }
        }
      },
    });
  }

  /** An adjustment as it was made, with the member's balance now. */
  private adjustment(id: string): Promise<PointAdjustment> {
    return this.deps.db.read(async (m) => {
      const movement = await m.findOneByOrFail(PointMovementEntity, { id });
      const { points: balance } = await readBalance(m, movement.membershipId, this.deps.clock.now());
      return {
        id: movement.id,
        memberNumber: movement.memberNumber,
        points: movement.points,
        reason: movement.reason ?? "",
        balance,
        expiresAt: movement.expiresAt,
        at: movement.createdAt,
      };
    });
  }
}
