import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { CodeLookup, IssuedCode } from "../../schema/codes/code.types";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { UserVerificationInput } from "../../schema/devices/user-verification.types";
import { approvalOf } from "../../services/kernel/approval";
import { toMembership, toTicket } from "../mappers";

@Resolver()
export class CodeResolver {
  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issuePaymentCode(
    @Arg("cardId", () => ID) cardId: string,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("maxAmount", () => Int, { nullable: true }) maxAmount: number | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Arg("verification", () => UserVerificationInput, { nullable: true, description: "who holds the phone, for a code that pays without asking again (docs/user-verification.md)" })
    verification: UserVerificationInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCode> {
    return ctx.services.codes.issuePaymentCode(ctx.caller, cardId, approvalOf(password, proof), maxAmount ?? null, verification);
  }

  @Authorized("REGISTER", "GATE")
  @Query(() => CodeLookup, { description: "register, gate" })
  async lookupCode(@Arg("code") code: string, @Ctx() ctx: RequestContext): Promise<CodeLookup> {
    const found = await ctx.services.lookup.lookupCode(ctx.caller, code);
    return {
      ...found,
      membership: found.membership && toMembership(found.membership),
      bill: found.bill,
      ticket: found.ticket && toTicket(found.ticket),
    };
  }
}
