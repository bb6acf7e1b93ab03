import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { TicketOffer } from "../../schema/tickets/ticket-offer.types";
import type { TicketOfferEvent } from "../../services/kernel/events";
import type { TicketOfferView } from "../../services/tickets/ticket-offer.service";
import { toEvent } from "../mappers";

const toOffer = (o: TicketOfferView): TicketOffer => ({ ...o, event: toEvent(o.event) });

/** A ticket offered, then accepted (or declined, or cancelled by its giver) before it moves. */
@Resolver()
export class TicketOfferResolver {
  @Authorized("PHONE")
  @Query(() => [TicketOffer], { description: "phone: offers made to it or by it, newest first" })
  async ticketOffers(@Ctx() ctx: RequestContext): Promise<TicketOffer[]> {
    return (await ctx.services.ticketOffers.ticketOffers(ctx.caller)).map(toOffer);
  }

  @Authorized("PHONE")
  @Mutation(() => TicketOffer, { description: "phone: the holder offers an unused ticket to a phone number" })
  async offerTicket(@Arg("ticketId", () => ID) ticketId: string, @Arg("toPhone") toPhone: string, @Ctx() ctx: RequestContext): Promise<TicketOffer> {
    return toOffer(await ctx.services.ticketOffers.offerTicket(ctx.caller, ticketId, toPhone));
  }

  @Authorized("PHONE")
  @Mutation(() => TicketOffer, { description: "phone: the receiver takes the ticket; attendeeName is shown at the gate" })
  async acceptTicketOffer(
    @Arg("offerId", () => ID) offerId: string,
    @Arg("attendeeName", () => String, { nullable: true }) attendeeName: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<TicketOffer> {
    return toOffer(await ctx.services.ticketOffers.acceptTicketOffer(ctx.caller, offerId, attendeeName));
  }

  @Authorized("PHONE")
  @Mutation(() => TicketOffer, { description: "phone: the receiver says no" })
  async declineTicketOffer(@Arg("offerId", () => ID) offerId: string, @Ctx() ctx: RequestContext): Promise<TicketOffer> {
    return toOffer(await ctx.services.ticketOffers.declineTicketOffer(ctx.caller, offerId));
  }

  @Authorized("PHONE")
  @Mutation(() => TicketOffer, { description: "phone: the giver withdraws an offer nobody has answered" })
  async cancelTicketOffer(@Arg("offerId", () => ID) offerId: string, @Ctx() ctx: RequestContext): Promise<TicketOffer> {
    return toOffer(await ctx.services.ticketOffers.cancelTicketOffer(ctx.caller, offerId));
  }

  @Subscription(() => TicketOffer, {
    name: "ticketOffers",
    description: "phone: each offer made to it or by it, as it changes",
    subscribe: ({ context }) => (context as RequestContext).services.live.ticketOffers((context as RequestContext).caller),
  })
  ticketOfferChanged(@Root() event: TicketOfferEvent): TicketOffer {
    const o = event as unknown as Record<string, unknown> & { event: Record<string, unknown> };
    const date = (v: unknown) => (v == null ? null : new Date(v as string));
    return {
      ...(o as unknown as TicketOffer),
      createdAt: date(o.createdAt)!,
      expiresAt: date(o.expiresAt)!,
      decidedAt: date(o.decidedAt),
      event: toEvent({ ...o.event, startsAt: date(o.event.startsAt)!, doorsOpenAt: date(o.event.doorsOpenAt)!, createdAt: date(o.event.createdAt)! } as never),
    };
  }
}
