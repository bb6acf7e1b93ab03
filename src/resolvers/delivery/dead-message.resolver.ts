import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { DeadMessage, DeadMessagePage } from "../../schema/delivery/outbox.types";

@Resolver()
export class DeadMessageResolver {
  @Authorized("ADMIN")
  @Query(() => DeadMessagePage, { description: "admin: outbox messages given up after OUTBOX_GIVE_UP_AFTER_DAYS of failures, newest first" })
  deadMessages(
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DeadMessagePage> {
    return ctx.services.deadMessages.list(ctx.caller, first ?? 50, after ?? null);
  }

  @Authorized("ADMIN")
  @Mutation(() => DeadMessage, { description: "admin: makes a dead message due now, its attempts reset; NOT_FOUND unless it is dead" })
  retryDeadMessage(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<DeadMessage> {
    return ctx.services.deadMessages.retry(ctx.caller, id);
  }
}
