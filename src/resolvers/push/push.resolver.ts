import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { PushSubscriptionEntity } from "../../entities";
import type { Caller } from "../../services/kernel/caller";
import type { RequestContext } from "../../schema/context";
import { PushSubscription, PushSubscriptionInput } from "../../schema/push/push.types";

const toPushSubscription = (s: PushSubscriptionEntity, caller: Caller): PushSubscription => ({
  id: s.id,
  label: s.label,
  deviceId: s.deviceId,
  thisSession: caller.kind === "customer" && caller.sessionId === s.sessionId,
  createdAt: s.createdAt,
  lastPushedAt: s.lastPushedAt,
});

@Authorized("PHONE")
@Resolver()
export class PushResolver {
  @Query(() => String, { nullable: true, description: "phone: the VAPID public key to subscribe with (applicationServerKey), base64url; null: push is off" })
  pushPublicKey(@Ctx() ctx: RequestContext): string | null {
    return ctx.services.pushSubscriptions.publicKey();
  }

  @Query(() => [PushSubscription], { description: "phone: the browsers that receive its customer's notifications, newest first" })
  async pushSubscriptions(@Ctx() ctx: RequestContext): Promise<PushSubscription[]> {
    return (await ctx.services.pushSubscriptions.list(ctx.caller)).map((s) => toPushSubscription(s, ctx.caller));
  }

  @Mutation(() => PushSubscription, { description: "phone: this session's browser receives notifications while the app is closed (replaces this session's or this endpoint's earlier one)" })
  async registerPushSubscription(@Arg("input") input: PushSubscriptionInput, @Ctx() ctx: RequestContext): Promise<PushSubscription> {
    return toPushSubscription(await ctx.services.pushSubscriptions.register(ctx.caller, input), ctx.caller);
  }

  @Mutation(() => Boolean, { description: "phone: from any session of the customer; that browser hears nothing more" })
  async removePushSubscription(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.pushSubscriptions.remove(ctx.caller, id);
  }
}
