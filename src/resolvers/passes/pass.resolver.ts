import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { AppleWalletPass, GoogleWalletLink } from "../../schema/passes/pass.types";
import { approvalOf } from "../../services/kernel/approval";

/** Wallet passes of the phone's ticket or member card (services/passes). */
@Resolver()
export class PassResolver {
  @Authorized("PHONE")
  @Mutation(() => AppleWalletPass, { description: "phone: an Apple Wallet pass of a ticket (from its release time) or a membership; give one id" })
  async appleWalletPass(
    @Arg("ticketId", () => ID, { nullable: true }) ticketId: string | null,
    @Arg("programId", () => ID, { nullable: true }) programId: string | null,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AppleWalletPass> {
    const issued = await ctx.services.walletPasses.applePass(ctx.caller, { ticketId, programId }, approvalOf(password, proof));
    return { serialNumber: issued.serialNumber, passTypeIdentifier: issued.passTypeIdentifier, downloadUrl: issued.downloadUrl, pkpass: issued.pkpass.toString("base64") };
  }

  @Authorized("PHONE")
  @Mutation(() => GoogleWalletLink, { description: "phone: a 'Save to Google Wallet' link of a ticket (from its release time) or a membership; give one id" })
  async googleWalletLink(
    @Arg("ticketId", () => ID, { nullable: true }) ticketId: string | null,
    @Arg("programId", () => ID, { nullable: true }) programId: string | null,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<GoogleWalletLink> {
    return ctx.services.walletPasses.googleSaveLink(ctx.caller, { ticketId, programId }, approvalOf(password, proof));
  }
}
