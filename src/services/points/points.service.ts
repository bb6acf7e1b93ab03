import type { PointReceipts } from "./point-receipts";
import type { EntityManager } from "typeorm";
import { MembershipEntity, PointLotEntity, PointMovementEntity, PointSettlementEntity, ProgramEntity, StoreEntity } from "../../entities";
import type { HeldLot } from "../../entities/point-settlement.entity";
import { affectedRows } from "../../database";
import type { Caller } from "../kernel/caller";
import type { CodeService } from "../codes/code.service";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, WalletError, badInput, fail, forbidden } from "../kernel/errors";
import { requireRegister } from "../kernel/guards";
import type { IdempotencyService } from "../kernel/idempotency.service";
import { decodeCursor, encodeCursor } from "../kernel/cursor";
import { newId } from "../kernel/ids";
import type { MembershipService, MembershipView } from "../members/membership.service";
import type { ProgramService } from "../members/program.service";
import { underWrongCodeLimit } from "../kernel/wrong-code-limit";
import { liveLots } from "../members/point-lots";
import type { Tx } from "../../database";
import { tellEarned } from "./point-notices";
import { requireText } from "../kernel/validation";

const DAY_MS = 86_400_000;
const SETTLE_ATTEMPTS = 5;

export interface PointsResult {
  membership: MembershipView;
  pointsEarned: number;
  pointsRedeemed: number;
  discount: number;
  /** Redeemed points given back by refunds of the payment they came with. */
  pointsReturned: number;
  /** Earned points taken back by refunds. */
  pointsTakenBack: number;
  /** Earned points refunds could not take back: the member had spent them. */
  shortfall: number;
}

export interface MovementPage {
  nodes: PointMovementEntity[];
  nextCursor: string | null;
}

/** Raised inside a settlement when another one took the same points first: run it again. */
export class LotTakenMeanwhile extends Error {}

/**
 * The points ledger: lots, earning, redeeming, settling at a register, and the change
 * feed. The balance is never a stored counter: it is the sum of the unexpired lots'
 * remaining points, and a redemption takes from the lots that expire first.
 */
export class PointsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly idempotency: IdempotencyService,
    private readonly programs: ProgramService,
    private readonly memberships: MembershipService,
    /** Each movement's signed receipt (point-receipts.ts). */
    private readonly pointReceipts: PointReceipts,
  ) {}

  /**
   * At the register: redeem `redeemPoints` as money off (at the program's point value),
   * then earn on what is left at the program's rate, rounding down. The member code is
   * used up. Idempotent on the register's key.
   */
  async settlePoints(
    caller: Caller,
    memberCode: string,
    purchaseAmount: number,
    redeemPoints: number,
    idempotencyKey: string,
  ): Promise<PointsResult> {
    const register = requireRegister(caller);
    if (!Number.isSafeInteger(purchaseAmount) || purchaseAmount < 0) badInput("purchaseAmount must be 0 or more", { field: "purchaseAmount" });
    if (!Number.isSafeInteger(redeemPoints) || redeemPoints < 0) badInput("redeemPoints must be 0 or more", { field: "redeemPoints" });
    return underWrongCodeLimit(this.deps, register.apiKeyId, () =>
      this.idempotency.run({
        scope: `key:${register.apiKeyId}`,
        key: idempotencyKey,
        operation: "settlePoints",
        request: { code: this.codes.hash(memberCode.trim()), purchaseAmount, redeemPoints },
        requestUnderEarlierKeys: () => this.codes.earlierHashes(memberCode).map((earlier) => ({ code: earlier, purchaseAmount, redeemPoints })),
        load: (settlementId) => this.settlementResult(settlementId),
        work: async (claim) => {
          const settlementId = newId();
          for (let attempt = 1; ; attempt++) {
            try {
              await this.deps.db.tx(async (tx) => {
                await claim(tx, settlementId);
                await this.settle(tx, register.storeId, memberCode, purchaseAmount, redeemPoints, settlementId);
              });
              return this.settlementResult(settlementId);
            } catch (error) {
              if (!(error instanceof LotTakenMeanwhile) || attempt >= SETTLE_ATTEMPTS) {
                if (error instanceof LotTakenMeanwhile) throw new WalletError(ErrorCode.INSUFFICIENT_POINTS, "The points were just spent elsewhere");
                throw error;
              }
            }
          }
        },
      }),
    );
  }

  private async settle(
    tx: Tx,
    storeId: string,
    memberCode: string,
    purchaseAmount: number,
    redeemPoints: number,
    settlementId: string,
  ): Promise<void> {
    const code = this.codes.requireKind(await this.codes.findUsable(tx, memberCode), "MEMBER");
    const membership = await tx.findOneByOrFail(MembershipEntity, { id: code.membershipId! });
    await this.settleMember(tx, storeId, membership, purchaseAmount, redeemPoints, settlementId, () => this.codes.claim(tx, code));
  }

  /**
   * At the register, with no member code: points earned on a purchase by a member the
   * register found with `lookupMember` (member-lookup.service.ts), by their member number.
   * Earning only: redeeming points still takes the member's code. A member who does not
   * let the program's registers find them, or is no member of this store's program, is
   * NOT_FOUND, as in the lookup. Idempotent on the register's key.
   */
  async earnPoints(caller: Caller, memberNumber: string, purchaseAmount: number, idempotencyKey: string): Promise<PointsResult> {
    const register = requireRegister(caller);
    await this.deps.rateLimits.consume("memberLookupPerRegister", register.apiKeyId);
    if (!Number.isSafeInteger(purchaseAmount) || purchaseAmount < 0) badInput("purchaseAmount must be 0 or more", { field: "purchaseAmount" });
    const number = requireText(memberNumber, "memberNumber", 16);
    return this.idempotency.run({
      scope: `key:${register.apiKeyId}`,
      key: idempotencyKey,
      operation: "earnPoints",
      request: { memberNumber: number, purchaseAmount },
      load: (settlementId) => this.settlementResult(settlementId),
      work: async (claim) => {
        const settlementId = newId();
        await this.deps.db.tx(async (tx) => {
          claim(tx, settlementId);
          const store = await tx.findOneByOrFail(StoreEntity, { id: register.storeId });
          const membership = store.programId
            ? await tx.findOneBy(MembershipEntity, { programId: store.programId, memberNumber: number, lookupAllowed: 1 })
            : null;
          if (!membership) return fail(ErrorCode.NOT_FOUND, "No member of this store's program found");
          await this.settleMember(tx, store.id, membership, purchaseAmount, 0, settlementId, async () => undefined);
        });
        return this.settlementResult(settlementId);
      },
    });
  }

  /**
   * A settlement once the member is known: the store must be one of the program's, the
   * member code (if there is one) is used up by `useCode` after the checks, points are
   * redeemed, then earned on what is left, and the member is told what was earned.
   */
  private async settleMember(
    tx: Tx,
    storeId: string,
    membership: MembershipEntity,
    purchaseAmount: number,
    redeemPoints: number,
    settlementId: string,
    useCode: () => Promise<unknown>,
  ): Promise<void> {
    const program = await tx.findOneByOrFail(ProgramEntity, { id: membership.programId });
    const store = await tx.findOneByOrFail(StoreEntity, { id: storeId });
    if (store.programId !== program.id) forbidden("This store is not part of the member's program");
    const discount = redeemPoints * program.pointValue;
    if (discount > purchaseAmount) badInput("The points redeemed are worth more than the purchase", { field: "redeemPoints" });
    await useCode();

    const now = this.deps.clock.now();
    const movement = { programId: program.id, membershipId: membership.id, memberNumber: membership.memberNumber, storeId, settlementId };
    if (redeemPoints > 0) {
      await takePoints(tx, membership.id, redeemPoints, now);
      await this.pointReceipts.record(
        tx,
        Object.assign(new PointMovementEntity(), { id: newId(), ...movement, kind: "REDEEM", points: -redeemPoints, expiresAt: null, createdAt: now }),
        membership.customerId,
      );
    }
    const earned = Math.floor(((purchaseAmount - discount) * program.pointsPerUnitMicros) / 1e6);
    await tx.insert(PointSettlementEntity, {
      id: settlementId,
      membershipId: membership.id,
      storeId,
      purchaseAmount,
      pointsRedeemed: redeemPoints,
      pointsEarned: earned,
      discount,
      createdAt: now,
    });
    if (earned > 0) {
      const expiresAt = await addLot(tx, membership.id, earned, program.expiryDays, now);
      await this.pointReceipts.record(
        tx,
        Object.assign(new PointMovementEntity(), { id: newId(), ...movement, kind: "EARN", points: earned, expiresAt, createdAt: now }),
        membership.customerId,
      );
      await tellEarned(this.deps, tx, program, membership, store.name, earned, now);
    }
  }

  settlementResult(settlementId: string): Promise<PointsResult> {
    return this.deps.db.read(async (m) => {
      const settlement = await m.findOneByOrFail(PointSettlementEntity, { id: settlementId });
      const membership = await m.findOneByOrFail(MembershipEntity, { id: settlement.membershipId });
      const program = await m.findOneByOrFail(ProgramEntity, { id: membership.programId });
      return { membership: await this.memberships.view(m, membership, program), ...pointsMoved(settlement) };
    });
  }

  /** A program's point movements after a cursor, oldest first, for HQ systems to mirror. */
  async pointMovements(caller: Caller, programId: string, first: number, after: string | null): Promise<MovementPage> {
    await this.programs.ownProgram(caller, programId);
    if (!Number.isInteger(first) || first < 1 || first > 500) badInput("first must be 1 to 500", { field: "first" });
    const afterId = after ? decodeCursor(after) : null;
    // Only movements older than the settle window are served: a slower transaction that
    // took an id earlier may still be committing, and a cursor must never skip it.
    const settled = new Date(this.deps.clock.now().getTime() - this.deps.config.feedSettleMs);
    const rows = await this.deps.db.read((m) => {
      const query = m
        .createQueryBuilder(PointMovementEntity, "pm")
        .where("pm.programId = :programId", { programId })
        .andWhere("pm.createdAt <= :settled", { settled })
        .orderBy("pm.id", "ASC")
        .limit(first + 1);
      if (afterId) query.andWhere("pm.id > :afterId", { afterId });
      return query.getMany();
    });
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, nextCursor: last ? encodeCursor(last.id) : after };
  }
}

/**
 * What a settlement moved, as the register and the phone see it: a payment's points
 * still held show what they take from the balance and nothing earned yet; points given
 * back because the payment was not charged show nothing at all.
 */
export function pointsMoved(s: PointSettlementEntity): Omit<PointsResult, "membership"> {
  const moved = { pointsReturned: s.pointsReturned, pointsTakenBack: s.pointsTakenBack, shortfall: s.shortfall };
  if (s.state === "RELEASED") return { pointsEarned: 0, pointsRedeemed: 0, discount: 0, ...moved };
  return { pointsEarned: s.state === "HELD" ? 0 : s.pointsEarned, pointsRedeemed: s.pointsRedeemed, discount: s.discount, ...moved };
}

/**
 * Takes `wanted` points from the lots that expire first, each take conditional on the lot
 * still holding them: INSUFFICIENT_POINTS when the balance is short, LotTakenMeanwhile
 * when another settlement took some first. Returns where they came from.
 */
export async function takePoints(m: EntityManager, membershipId: string, wanted: number, now: Date): Promise<HeldLot[]> {
  const lots = await liveLots(m, membershipId, now);
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (available < wanted) fail(ErrorCode.INSUFFICIENT_POINTS, "Not enough points", { available });
  return takeFrom(m, lots, wanted, now);
}

/**
 * Takes up to `wanted` points, as many as the balance holds (a refund taking back what
 * it earned); the caller records what was not there. `locking`: the lots are read with
 * a lock (MySQL), so a transaction that waited for another's refund sees its takes.
 */
export async function takePointsUpTo(m: EntityManager, membershipId: string, wanted: number, now: Date, locking: boolean): Promise<number> {
  const lots = await liveLots(m, membershipId, now, locking);
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  const taken = await takeFrom(m, lots, Math.min(wanted, available), now);
  return taken.reduce((sum, t) => sum + t.points, 0);
}

async function takeFrom(m: EntityManager, lots: PointLotEntity[], wanted: number, now: Date): Promise<HeldLot[]> {
  const taken: HeldLot[] = [];
  let left = wanted;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    const result = await m
      .createQueryBuilder()
      .update(PointLotEntity)
      .set({ remaining: () => `remaining - ${take}` })
      .where("id = :id AND remaining >= :take AND expiresAt > :now", { id: lot.id, take, now })
      .execute();
    if (affectedRows(result) !== 1) throw new LotTakenMeanwhile();
    taken.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return taken;
}

/**
 * Puts points taken from lots back where they came from: of the points `held` lists in
 * order, those from position `from` on, `count` of them (a refund's share, after the
 * shares given back before it). Each lot keeps its own expiry.
 */
export async function returnPoints(m: EntityManager, held: readonly HeldLot[], from: number, count: number): Promise<void> {
  let skip = from;
  let left = count;
  for (const lot of held) {
    if (left === 0) break;
    const here = Math.min(lot.points - Math.min(skip, lot.points), left);
    skip = Math.max(0, skip - lot.points);
    if (here === 0) continue;
    await m
      .createQueryBuilder()
      .update(PointLotEntity)
      .set({ remaining: () => `remaining + ${here}` })
      .where("id = :id", { id: lot.lotId })
      .execute();
    left -= here;
  }
}

/** Points earned now: a new lot, expiring after the program's period. */
export async function addLot(m: EntityManager, membershipId: string, points: number, expiryDays: number, now: Date): Promise<Date> {
  const expiresAt = new Date(now.getTime() + expiryDays * DAY_MS);
  await m.insert(PointLotEntity, { id: newId(), membershipId, points, remaining: points, expiresAt, createdAt: now });
  return expiresAt;
}

