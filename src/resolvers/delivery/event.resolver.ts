import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { WebhookEvent, WebhookEventConnection } from "../../schema/delivery/event.types";

@Resolver()
export class EventResolver {
  @Authorized("REGISTER", "PARTNER")
  @Query(() => WebhookEventConnection, { description: "register: its store's webhooks; partner: its own; newest first, kept as long as idempotency keys" })
  events(
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("types", () => [String], { nullable: true, description: "only these event types" }) types: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEventConnection> {
    return ctx.services.events.list(ctx.caller, first ?? 20, after ?? null, types ?? null);
  }

  @Authorized("REGISTER", "PARTNER")
  @Mutation(() => WebhookEvent, { description: "register, partner: sends one of its events again, the same id and body; NOT_FOUND for another's" })
  redeliverEvent(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookEvent> {
    return ctx.services.events.redeliver(ctx.caller, id);
  }
}
