import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../schema/context";
import { Payment, PaymentConnection, SaleInput, StoreReport } from "../schema/payment.types";
import { toPayment } from "./mappers";

@Resolver()
export class PaymentResolver {
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
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.redeemCode(ctx.caller, code, sale, idempotencyKey));
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
  @Mutation(() => Payment, { description: "register: give the money back on an approved sale" })
  async refundPayment(
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("idempotencyKey", () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.refundPayment(ctx.caller, paymentId, idempotencyKey));
  }
}
