import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { CodeLookup, IssuedCode } from "../schema/code.types";
import type { RequestContext } from "../schema/context";
import type { BillStatus, CodeKind } from "../schema/enums";
import { toMembership, toTicket } from "./mappers";

@Resolver()
export class CodeResolver {
  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issuePaymentCode(
    @Arg("cardId", () => ID) cardId: string,
    @Arg("password") password: string,
    @Arg("maxAmount", () => Int, { nullable: true }) maxAmount: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCode> {
    const issued = await ctx.services.codes.issuePaymentCode(ctx.caller, cardId, password, maxAmount ?? null);
    return { ...issued, kind: issued.kind as CodeKind };
  }

  @Authorized("REGISTER", "GATE")
  @Query(() => CodeLookup, { description: "register, gate" })
  async lookupCode(@Arg("code") code: string, @Ctx() ctx: RequestContext): Promise<CodeLookup> {
    const found = await ctx.services.lookup.lookupCode(ctx.caller, code);
    return {
      ...found,
      kind: found.kind as CodeKind,
      membership: found.membership && toMembership(found.membership),
      bill: found.bill && { ...found.bill, status: found.bill.status as BillStatus },
      ticket: found.ticket && toTicket(found.ticket),
    };
  }
}
