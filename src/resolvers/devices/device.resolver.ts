import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { Device } from "../../schema/devices/device.types";
import { toDevice } from "../mappers";

@Authorized("PHONE")
@Resolver()
export class DeviceResolver {
  @Query(() => [Device], { description: "phone: its customer's devices, oldest first, revoked ones too" })
  async devices(@Ctx() ctx: RequestContext): Promise<Device[]> {
    return (await ctx.services.devices.devices(ctx.caller)).map(toDevice);
  }

  @Mutation(() => Device, { description: "phone: publicKey is base64url of the SubjectPublicKeyInfo DER of an Ed25519 or P-256 key" })
  async registerDevice(
    @Arg("name") name: string,
    @Arg("publicKey") publicKey: string,
    @Arg("password") password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Device> {
    return toDevice(await ctx.services.devices.register(ctx.caller, name, publicKey, password));
  }

  @Mutation(() => Device, {
    description: "phone: what this device's offline payment tokens may pay in any 24 hours (up to the operator's maximum); asks the password",
  })
  async setOfflineLimits(
    @Arg("deviceId", () => ID) deviceId: string,
    @Arg("maxAmount", () => Int) maxAmount: number,
    @Arg("maxCount", () => Int) maxCount: number,
    @Arg("password") password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Device> {
    return toDevice(await ctx.services.offlineTokens.setLimits(ctx.caller, deviceId, maxAmount, maxCount, password));
  }

  @Mutation(() => Device, { description: "phone: from any session of the customer; its proofs are refused from now on" })
  async revokeDevice(@Arg("deviceId", () => ID) deviceId: string, @Ctx() ctx: RequestContext): Promise<Device> {
    return toDevice(await ctx.services.devices.revoke(ctx.caller, deviceId));
  }
}
