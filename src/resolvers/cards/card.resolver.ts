import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { AddCardInput, Card } from "../../schema/access/customer.types";
import { CardStatus } from "../../schema/enums";
import { toCard } from "../mappers";

@Authorized("PHONE")
@Resolver()
export class CardResolver {
  @Query(() => [Card], { description: "phone" })
  async cards(@Ctx() ctx: RequestContext): Promise<Card[]> {
    return (await ctx.services.cards.cards(ctx.caller)).map(toCard);
  }

  @Mutation(() => Card, { description: "phone" })
  async addCard(@Arg("input") input: AddCardInput, @Ctx() ctx: RequestContext): Promise<Card> {
    return toCard(await ctx.services.cards.addCard(ctx.caller, input));
  }

  @Mutation(() => Card, {
    description: "phone: takes the card out of the wallet; codes issued for it stop working, past payments keep showing it. NOT_FOUND for a card that is not the caller's",
  })
  async removeCard(@Arg("cardId", () => ID) cardId: string, @Ctx() ctx: RequestContext): Promise<Card> {
    return toCard(await ctx.services.cards.removeCard(ctx.caller, cardId));
  }

  @Mutation(() => Card, {
    description: "phone: the renewed card's expiry (the number stays); a card past its expiry pays again with its status as set. NOT_FOUND for a card that is not the caller's",
  })
  async updateCardExpiry(
    @Arg("cardId", () => ID) cardId: string,
    @Arg("expiryMonth", () => Int) expiryMonth: number,
    @Arg("expiryYear", () => Int) expiryYear: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Card> {
    return toCard(await ctx.services.cards.updateCardExpiry(ctx.caller, cardId, expiryMonth, expiryYear));
  }

  @Mutation(() => Card, { description: "phone" })
  async setCardStatus(
    @Arg("cardId", () => ID) cardId: string,
    @Arg("status", () => CardStatus) status: CardStatus,
    @Arg("password") password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Card> {
    return toCard(await ctx.services.cards.setCardStatus(ctx.caller, cardId, status, password));
  }
}
