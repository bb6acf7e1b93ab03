import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { Message, MessageAudienceInput } from "../../schema/members/membership.types";
import type { MessageEvent } from "../../services/kernel/events";

@Resolver()
export class MessageResolver {
  @Authorized("PARTNER")
  @Mutation(() => Int, {
    description: "partner: returns members reached (members who already had MESSAGES_PER_MEMBER_PER_DAY of this program's messages in 24 hours are skipped)",
  })
  sendMessage(
    @Arg("programId", () => ID) programId: string,
    @Arg("title") title: string,
    @Arg("body") body: string,
    @Arg("audience", () => MessageAudienceInput, { nullable: true }) audience: MessageAudienceInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.services.messages.sendMessage(ctx.caller, programId, title, body, audience ?? {});
  }

  @Authorized("PHONE")
  @Query(() => [Message], { description: "phone" })
  messages(@Ctx() ctx: RequestContext): Promise<Message[]> {
    return ctx.services.messages.messages(ctx.caller);
  }

  @Authorized("PHONE")
  @Mutation(() => Message, { description: "phone" })
  markMessageRead(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Message> {
    return ctx.services.messages.markMessageRead(ctx.caller, id);
  }

  @Subscription(() => Message, {
    name: "messages",
    description: "phone",
    subscribe: ({ context }) => (context as RequestContext).services.live.messages((context as RequestContext).caller),
  })
  messageSent(@Root() event: MessageEvent): Message {
    return { ...event, sentAt: new Date(event.sentAt) };
  }
}
