import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { DailyLimits } from "../../schema/payments/daily-limit.types";

@Authorized("PHONE")
@Resolver()
export class DailyLimitResolver {
  @Query(() => DailyLimits, { description: "phone: the daily limits of the customer's payment codes, and today's use" })
  dailyLimits(@Ctx() ctx: RequestContext): Promise<DailyLimits> {
    return ctx.services.dailyLimits.dailyLimits(ctx.caller);
  }

  @Mutation(() => DailyLimits, {
    description: "phone: the customer's own day total and count for payment codes (null: none of their own), at most the operator's ceiling; asks the password",
  })
  setDailyLimits(
    @Arg("maxAmount", () => Int, { nullable: true }) maxAmount: number | null,
    @Arg("maxCount", () => Int, { nullable: true }) maxCount: number | null,
    @Arg("password") password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DailyLimits> {
    return ctx.services.dailyLimits.setDailyLimits(ctx.caller, maxAmount ?? null, maxCount ?? null, password);
  }
}
