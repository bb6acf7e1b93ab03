import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Store } from "../../schema/access/admin.types";
import type { RequestContext } from "../../schema/context";
import { PointsResult } from "../../schema/members/membership.types";
import { Payment, PaymentConnection, SaleInput, StoreReport } from "../../schema/payments/payment.types";
import { pointsAsked } from "../../services/points/payment-points.service";
import { toMembership, toPayment } from "../mappers";

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => PointsResult, { nullable: true, description: "when a member code came with the payment: the points it moved" })
  async points(@Root() payment: Payment, @Ctx() ctx: RequestContext): Promise<PointsResult | null> {
    if (!payment.pointsSettlementId) return null;
    const result = await ctx.services.points.settlementResult(payment.pointsSettlementId);
    return { ...result, membership: toMembership(result.membership) };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "shown at the register: ten digits, the same for every payment of the customer at this store, another at any other store; never the phone number",
  })
  customerNumber(@Root() payment: Payment, @Ctx() ctx: RequestContext): string {
    // Kept with the payment when it was made (one keyed hash a payment, not one a read).
    return payment.keptCustomerNumber ?? ctx.services.customerNumbers.of(payment.customerId, payment.storeId);
  }

  @Authorized("PHONE", "REGISTER")
  @Query(() => PaymentConnection, { description: "phone: own history; register: own store's" })
  async payments(
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PaymentConnection> {
    const page = await ctx.services.payments.list(ctx.caller, first, after ?? null);
    return { nodes: page.nodes.map(toPayment), nextCursor: page.nextCursor };
  }

  @Authorized("PHONE", "REGISTER")
  @Query(() => Payment, { nullable: true, description: "phone (own) or register (own store)" })
  async payment(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Payment | null> {
    const found = await ctx.services.payments.get(ctx.caller, id);
    return found && toPayment(found);
  }

  @Authorized("REGISTER")
  @Query(() => Store, { description: "register: its own store (name, currency, time zone); never the webhook secret" })
  async myStore(@Ctx() ctx: RequestContext): Promise<Store> {
    const { id, name, currency, timeZone } = await ctx.services.storeReports.store(ctx.caller);
    return { id, name, currency, timeZone, webhookSecret: null };
  }

  @Authorized("REGISTER")
  @Query(() => StoreReport, { description: "register: its store's day (YYYY-MM-DD, the store's time zone)" })
  storeReport(@Arg("date") date: string, @Ctx() ctx: RequestContext): Promise<StoreReport> {
    return ctx.services.storeReports.report(ctx.caller, date);
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register" })
  async redeemCode(
    @Arg("code") code: string,
    @Arg("sale") sale: SaleInput,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Arg("memberCode", () => String, { nullable: true, description: "points with the payment, all or nothing" }) memberCode: string | null,
    @Arg("redeemPoints", () => Int, { nullable: true, defaultValue: 0, description: "with memberCode: points taken as money off" }) redeemPoints: number | null,
    @Arg("capture", () => Boolean, {
      nullable: true,
      defaultValue: true,
      description: "false: authorize now, capture later (capturePayment, releaseAuthorization); the payment ends AUTHORIZED",
    })
    capture: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    const withPoints = ctx.services.paymentPoints.requestFor(pointsAsked(memberCode, redeemPoints));
    return toPayment(await ctx.services.payments.redeemCode(ctx.caller, code, sale, idempotencyKey, withPoints, { capture: capture ?? true }));
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register: make the sale of an AUTHORIZED payment, for at most the authorized amount" })
  async capturePayment(
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("amount", () => Int, { nullable: true, description: "omitted: all that was authorized" }) amount: number | null,
    @Arg("idempotencyKey", () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.capturePayment(ctx.caller, paymentId, amount, idempotencyKey));
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register: let an AUTHORIZED payment go uncharged (RELEASED)" })
  async releaseAuthorization(
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("idempotencyKey", () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.releaseAuthorization(ctx.caller, paymentId, idempotencyKey));
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register: cancel an approved sale (the authorization is reversed)" })
  async voidPayment(
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("idempotencyKey", () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.voidPayment(ctx.caller, paymentId, idempotencyKey));
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register: give back part of an approved sale, or (no amount) all that is left" })
  async refundPayment(
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("amount", () => Int, { nullable: true, description: "omitted: all that is left" }) amount: number | null,
    @Arg("idempotencyKey", () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.refundPayment(ctx.caller, paymentId, idempotencyKey, amount));
  }
}
