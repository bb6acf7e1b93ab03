import { randomInt } from "node:crypto";
import { IsNull, MoreThan, type EntityManager } from "typeorm";
import {
  MembershipEntity,
  OfferEntity,
  PartnerEntity,
  PointLotEntity,
  PointMovementEntity,
  PointSettlementEntity,
  ProgramEntity,
  StoreEntity,
  WalletCodeEntity,
} from "../entities";
import { affectedRows } from "../database";
import type { Caller } from "./caller";
import type { CodeService, IssuedCode } from "./code.service";
import { luhnCheckDigit } from "./crypto/luhn";
import type { ServiceDeps } from "./deps";
import { ErrorCode, WalletError, badInput, fail, forbidden, notFound } from "./errors";
import { requireAdmin, requireCustomer, requirePartner, requireRegister } from "./guards";
import type { IdempotencyService } from "./idempotency.service";
import { decodeCursor, encodeCursor } from "./cursor";
import { newId } from "./ids";
import { optionalText, requireText } from "./validation";
import { isUniqueViolation, type Tx } from "../database";

const DAY_MS = 86_400_000;
const SOON_MS = 30 * DAY_MS;
const MEMBER_CODE_TTL_SECONDS = 300;
const SETTLE_ATTEMPTS = 5;

export interface MembershipView {
  membershipId: string;
  programId: string;
  memberNumber: string;
  programName: string;
  points: number;
  pointsExpiringSoon: number;
  nextExpiry: Date | null;
  offers: OfferEntity[];
}

export interface PointsResult {
  membership: MembershipView;
  pointsEarned: number;
  pointsRedeemed: number;
  discount: number;
}

export interface MovementPage {
  nodes: PointMovementEntity[];
  nextCursor: string | null;
}

/** Raised inside a settlement when another one took the same points first: run it again. */
class LotTakenMeanwhile extends Error {}

/**
 * Points programs: membership, the points ledger, offers and the change feed. The
 * balance is never a stored counter: it is the sum of the unexpired lots' remaining
 * points, and a redemption takes from the lots that expire first.
 */
export class PointsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly codes: CodeService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async createProgram(
    caller: Caller,
    input: { name: string; partnerId: string; pointsPerUnit: number; pointValue: number; expiryDays: number },
  ): Promise<ProgramEntity> {
    requireAdmin(caller);
    if (!Number.isFinite(input.pointsPerUnit) || input.pointsPerUnit < 0 || input.pointsPerUnit > 1000) {
      badInput("pointsPerUnit must be between 0 and 1000", { field: "pointsPerUnit" });
    }
    if (!Number.isSafeInteger(input.pointValue) || input.pointValue < 0) badInput("pointValue must be 0 or more", { field: "pointValue" });
    if (!Number.isSafeInteger(input.expiryDays) || input.expiryDays < 1 || input.expiryDays > 3650) {
      badInput("expiryDays must be 1 to 3650", { field: "expiryDays" });
    }
    const partner = await this.deps.db.read((m) => m.existsBy(PartnerEntity, { id: input.partnerId }));
    if (!partner) notFound("partner");
    const program = Object.assign(new ProgramEntity(), {
      id: newId(),
      partnerId: input.partnerId,
      name: requireText(input.name, "name", 100),
      pointsPerUnitMicros: Math.round(input.pointsPerUnit * 1e6),
      pointValue: input.pointValue,
      expiryDays: input.expiryDays,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((m) => m.insert(ProgramEntity, program));
    return program;
  }

  /** A partner's own program, or FORBIDDEN for another partner's (NOT_FOUND if none). */
  async ownProgram(caller: Caller, programId: string): Promise<ProgramEntity> {
    const { partnerId } = requirePartner(caller);
    const program = await this.deps.db.read((m) => m.findOneBy(ProgramEntity, { id: programId }));
    if (!program) return notFound("program");
    if (program.partnerId !== partnerId) forbidden("This program is run by another partner");
    return program;
  }

  async createOffer(
    caller: Caller,
    programId: string,
    input: { title: string; description: string; validUntil?: Date | null },
  ): Promise<OfferEntity> {
    await this.ownProgram(caller, programId);
    const offer = Object.assign(new OfferEntity(), {
      id: newId(),
      programId,
      title: requireText(input.title, "title", 100),
      description: optionalText(input.description, "description", 1000) ?? "",
      validUntil: input.validUntil ?? null,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((m) => m.insert(OfferEntity, offer));
    return offer;
  }

  /** Online membership registration; joining again returns the same membership. */
  async joinProgram(caller: Caller, programId: string): Promise<MembershipView> {
    const { customerId } = requireCustomer(caller);
    const program = await this.deps.db.read((m) => m.findOneBy(ProgramEntity, { id: programId }));
    if (!program) return notFound("program");
    for (let attempt = 0; ; attempt++) {
      const existing = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId, customerId }));
      if (existing) return this.deps.db.read((m) => this.view(m, existing, program));
      const membership = Object.assign(new MembershipEntity(), {
        id: newId(),
        programId,
        customerId,
        memberNumber: newMemberNumber(),
        createdAt: this.deps.clock.now(),
      });
      try {
        await this.deps.db.tx((m) => m.insert(MembershipEntity, membership));
        return this.deps.db.read((m) => this.view(m, membership, program));
      } catch (error) {
        // A second join racing this one, or (rarely) a member number taken: look again.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }

  async memberships(caller: Caller): Promise<MembershipView[]> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.read(async (m) => {
      const rows = await m.find(MembershipEntity, { where: { customerId }, order: { createdAt: "ASC" } });
      return Promise.all(rows.map(async (row) => this.view(m, row, await m.findOneByOrFail(ProgramEntity, { id: row.programId }))));
    });
  }

  async issueMemberCode(caller: Caller, programId: string, password: string): Promise<IssuedCode> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const membership = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId, customerId }));
    if (!membership) return notFound("membership");
    await this.codes.checkPassword(session, password);
    return this.codes.issue("MEMBER", customerId, { membershipId: membership.id }, MEMBER_CODE_TTL_SECONDS);
  }

  /** What a register of the program's stores sees for a member code: balance and offers. */
  async describeMember(m: EntityManager, code: WalletCodeEntity, storeId: string): Promise<MembershipView> {
    const membership = await m.findOneByOrFail(MembershipEntity, { id: code.membershipId! });
    const store = await m.findOneByOrFail(StoreEntity, { id: storeId });
    if (store.programId !== membership.programId) forbidden("This store is not part of the member's program");
    return this.view(m, membership, await m.findOneByOrFail(ProgramEntity, { id: membership.programId }));
  }

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
    return this.codes.useCode(register.apiKeyId, () =>
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
              await this.deps.db.tx(async (m) => {
                await claim(m, settlementId);
                await this.settle(m, register.storeId, memberCode, purchaseAmount, redeemPoints, settlementId);
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
    m: Tx,
    storeId: string,
    memberCode: string,
    purchaseAmount: number,
    redeemPoints: number,
    settlementId: string,
  ): Promise<void> {
    const code = this.codes.requireKind(await this.codes.findUsable(m, memberCode), "MEMBER");
    const membership = await m.findOneByOrFail(MembershipEntity, { id: code.membershipId! });
    const program = await m.findOneByOrFail(ProgramEntity, { id: membership.programId });
    const store = await m.findOneByOrFail(StoreEntity, { id: storeId });
    if (store.programId !== program.id) forbidden("This store is not part of the member's program");
    const discount = redeemPoints * program.pointValue;
    if (discount > purchaseAmount) badInput("The points redeemed are worth more than the purchase", { field: "redeemPoints" });
    await this.codes.claim(m, code);

    const now = this.deps.clock.now();
    const movement = { programId: program.id, membershipId: membership.id, memberNumber: membership.memberNumber, storeId, settlementId };
    if (redeemPoints > 0) {
      await this.takePoints(m, membership.id, redeemPoints, now);
      await m.insert(PointMovementEntity, { id: newId(), ...movement, kind: "REDEEM", points: -redeemPoints, expiresAt: null, createdAt: now });
    }
    const earned = Math.floor(((purchaseAmount - discount) * program.pointsPerUnitMicros) / 1e6);
    await m.insert(PointSettlementEntity, {
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
      const expiresAt = new Date(now.getTime() + program.expiryDays * DAY_MS);
      await m.insert(PointLotEntity, { id: newId(), membershipId: membership.id, points: earned, remaining: earned, expiresAt, createdAt: now });
      await m.insert(PointMovementEntity, { id: newId(), ...movement, kind: "EARN", points: earned, expiresAt, createdAt: now });
    }
  }

  /** Takes points from the lots that expire first; each take is conditional on the lot still holding them. */
  private async takePoints(m: EntityManager, membershipId: string, wanted: number, now: Date): Promise<void> {
    const lots = await this.liveLots(m, membershipId, now);
    const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
    if (available < wanted) fail(ErrorCode.INSUFFICIENT_POINTS, "Not enough points", { available });
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
      left -= take;
    }
  }

  private liveLots(m: EntityManager, membershipId: string, now: Date): Promise<PointLotEntity[]> {
    return m.find(PointLotEntity, {
      where: { membershipId, remaining: MoreThan(0), expiresAt: MoreThan(now) },
      order: { expiresAt: "ASC", id: "ASC" },
    });
  }

  private async settlementResult(settlementId: string): Promise<PointsResult> {
    return this.deps.db.read(async (m) => {
      const settlement = await m.findOneByOrFail(PointSettlementEntity, { id: settlementId });
      const membership = await m.findOneByOrFail(MembershipEntity, { id: settlement.membershipId });
      const program = await m.findOneByOrFail(ProgramEntity, { id: membership.programId });
      return {
        membership: await this.view(m, membership, program),
        pointsEarned: settlement.pointsEarned,
        pointsRedeemed: settlement.pointsRedeemed,
        discount: settlement.discount,
      };
    });
  }

  /** A program's point movements after a cursor, oldest first, for HQ systems to mirror. */
  async pointMovements(caller: Caller, programId: string, first: number, after: string | null): Promise<MovementPage> {
    await this.ownProgram(caller, programId);
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

  private async view(m: EntityManager, membership: MembershipEntity, program: ProgramEntity): Promise<MembershipView> {
    const now = this.deps.clock.now();
    const lots = await this.liveLots(m, membership.id, now);
    const soon = now.getTime() + SOON_MS;
    const offers = await m.find(OfferEntity, {
      where: [
        { programId: program.id, validUntil: IsNull() },
        { programId: program.id, validUntil: MoreThan(now) },
      ],
      order: { createdAt: "ASC" },
    });
    return {
      membershipId: membership.id,
      programId: program.id,
      memberNumber: membership.memberNumber,
      programName: program.name,
      points: lots.reduce((sum, lot) => sum + lot.remaining, 0),
      pointsExpiringSoon: lots.filter((lot) => lot.expiresAt.getTime() <= soon).reduce((sum, lot) => sum + lot.remaining, 0),
      nextExpiry: lots[0]?.expiresAt ?? null,
      offers,
    };
  }
}

function newMemberNumber(): string {
  let body = "";
  for (let i = 0; i < 11; i++) body += String(randomInt(10));
  return body + luhnCheckDigit(body);
}


