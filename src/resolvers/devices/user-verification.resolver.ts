import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { UserVerificationMethods } from "../../schema/devices/user-verification.types";

@Authorized("PHONE")
@Resolver()
export class UserVerificationResolver {
  @Query(() => UserVerificationMethods, { description: "phone" })
  async userVerificationMethods(@Ctx() ctx: RequestContext): Promise<UserVerificationMethods> {
    return ctx.services.userVerification.methods(ctx.caller);
  }

  @Mutation(() => String, { description: "phone: PublicKeyCredentialCreationOptionsJSON for a platform passkey with user verification, as JSON text; the password is asked" })
  async passkeyRegistrationOptions(@Arg("password") password: string, @Ctx() ctx: RequestContext): Promise<string> {
    return ctx.services.userVerification.passkeyRegistrationOptions(ctx.caller, password);
  }

  @Mutation(() => Boolean, { description: "phone: response is the browser's RegistrationResponseJSON, as JSON text" })
  async registerPasskey(@Arg("response") response: string, @Arg("name") name: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.userVerification.registerPasskey(ctx.caller, response, name);
    return true;
  }

  @Mutation(() => String, { description: "phone: PublicKeyCredentialRequestOptionsJSON with a one-time challenge, as JSON text" })
  async userVerificationOptions(@Ctx() ctx: RequestContext): Promise<string> {
    return ctx.services.userVerification.verificationOptions(ctx.caller);
  }

  @Mutation(() => Boolean, { description: "phone: sets or changes the payment PIN (4 to 8 digits) with the password" })
  async setPaymentPin(@Arg("pin") pin: string, @Arg("password") password: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.userVerification.setPin(ctx.caller, pin, password);
    return true;
  }
}
