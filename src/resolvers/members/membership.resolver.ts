import { Arg, Authorized, Ctx, Float, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { IssuedCode } from "../../schema/codes/code.types";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { approvalOf } from "../../services/kernel/approval";
import { Membership, Offer, PointAdjustment, PointMovementPage, PointsResult, Program } from "../../schema/members/membership.types";
import { toMembership } from "../mappers";

@Resolver()
export class MembershipResolver {
  @Authorized("ADMIN")
  @Mutation(() => Program, { description: "admin; partner: the store group that runs it" })
  async createProgram(
    @Arg("name") name: string,
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("pointsPerUnit", () => Float) pointsPerUnit: number,
    @Arg("pointValue", () => Int) pointValue: number,
    @Arg("expiryDays", () => Int) expiryDays: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Program> {
    const program = await ctx.services.programs.createProgram(ctx.caller, { name, partnerId, pointsPerUnit, pointValue, expiryDays });
    return { id: program.id, name: program.name };
  }

  @Authorized("PARTNER")
  @Mutation(() => Offer, { description: "partner: an offer shown to the members of its own program" })
  async createOffer(
    @Arg("programId", () => ID) programId: string,
    @Arg("title") title: string,
    @Arg("description") description: string,
    @Arg("validUntil", () => Date, { nullable: true }) validUntil: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Offer> {
    const offer = await ctx.services.programs.createOffer(ctx.caller, programId, { title, description, validUntil });
    return { id: offer.id, title: offer.title, description: offer.description, validUntil: offer.validUntil };
  }

  @Authorized("PHONE")
  @Mutation(() => Membership, { description: "phone" })
  async joinProgram(@Arg("programId", () => ID) programId: string, @Ctx() ctx: RequestContext): Promise<Membership> {
    return toMembership(await ctx.services.memberships.joinProgram(ctx.caller, programId));
  }

  @Authorized("PHONE")
  @Query(() => [Membership], { description: "phone" })
  async memberships(@Ctx() ctx: RequestContext): Promise<Membership[]> {
    return (await ctx.services.memberships.memberships(ctx.caller)).map(toMembership);
  }

  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issueMemberCode(
    @Arg("programId", () => ID) programId: string,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCode> {
    return ctx.services.memberships.issueMemberCode(ctx.caller, programId, approvalOf(password, proof));
  }

  @Authorized("REGISTER")
  @Mutation(() => PointsResult, { description: "register" })
  async settlePoints(
    @Arg("memberCode") memberCode: string,
    @Arg("purchaseAmount", () => Int) purchaseAmount: number,
    @Arg("redeemPoints", () => Int, { nullable: true, defaultValue: 0 }) redeemPoints: number,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PointsResult> {
    const result = await ctx.services.points.settlePoints(ctx.caller, memberCode, purchaseAmount, redeemPoints ?? 0, idempotencyKey);
    return { ...result, membership: toMembership(result.membership) };
  }

  @Authorized("PARTNER")
  @Query(() => PointMovementPage, { description: "partner: its program's point movements after a cursor, oldest first" })
  async pointMovements(
    @Arg("programId", () => ID) programId: string,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<PointMovementPage> {
    const page = await ctx.services.points.pointMovements(ctx.caller, programId, first ?? 100, after ?? null);
    return {
      nodes: page.nodes.map((n) => ({
        id: n.id,
        memberNumber: n.memberNumber,
        kind: n.kind,
        points: n.points,
        storeId: n.storeId,
        expiresAt: n.expiresAt,
        at: n.createdAt,
        reason: n.reason ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Authorized("PARTNER")
  @Mutation(() => PointAdjustment, {
    description:
      "partner: adds (positive) or takes (negative) a member's points in its own program, with a reason; never below zero (INSUFFICIENT_POINTS); the member is told. Idempotent on the key",
  })
  adjustPoints(
    @Arg("programId", () => ID) programId: string,
    @Arg("memberNumber") memberNumber: string,
    @Arg("points", () => Int) points: number,
    @Arg("reason") reason: string,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PointAdjustment> {
    return ctx.services.pointAdjustments.adjustPoints(ctx.caller, programId, memberNumber, points, reason, idempotencyKey);
  }

  @Authorized("PHONE")
  @Mutation(() => Membership, {
    description: "phone: lets the program's registers find the member by phone number or customer number (lookupMember), or stops it",
  })
  async setMemberLookup(@Arg("programId", () => ID) programId: string, @Arg("allowed") allowed: boolean, @Ctx() ctx: RequestContext): Promise<Membership> {
    return toMembership(await ctx.services.memberships.setMemberLookup(ctx.caller, programId, allowed));
  }

  @Authorized("REGISTER")
  @Query(() => Membership, {
    description:
      "register: a member of the store's program who allows it, by the store's customer number or by phone number (one of them); every miss is the same NOT_FOUND; rate-limited per register key",
  })
  async lookupMember(
    @Arg("customerNumber", () => String, { nullable: true }) customerNumber: string | null,
    @Arg("phone", () => String, { nullable: true }) phone: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Membership> {
    return toMembership(await ctx.services.memberLookup.lookupMember(ctx.caller, { customerNumber, phone }));
  }

  @Authorized("REGISTER")
  @Mutation(() => PointsResult, {
    description: "register: points earned on a purchase by a member found with lookupMember, by member number (earning only: redeeming takes the member code)",
  })
  async earnPoints(
    @Arg("memberNumber") memberNumber: string,
    @Arg("purchaseAmount", () => Int) purchaseAmount: number,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PointsResult> {
    const result = await ctx.services.points.earnPoints(ctx.caller, memberNumber, purchaseAmount, idempotencyKey);
    return { ...result, membership: toMembership(result.membership) };
  }
}
