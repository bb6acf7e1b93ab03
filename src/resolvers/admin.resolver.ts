import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { ApiKey, Partner, Store } from "../schema/admin.types";
import type { RequestContext } from "../schema/context";
import { ApiKeyRole } from "../schema/enums";
import { ErrorCode } from "../services/errors";

@Resolver()
export class AdminResolver {
  @Authorized("ADMIN")
  @Mutation(() => Store, { description: "admin" })
  async createStore(
    @Arg("name") name: string,
    @Arg("currency") currency: string,
    @Arg("programId", () => ID, { nullable: true }) programId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Store> {
    const store = await ctx.services.admin.createStore(ctx.caller, name, currency, programId ?? null);
    return { id: store.id, name: store.name, currency: store.currency };
  }

  @Authorized("ADMIN")
  @Mutation(() => Partner, { description: "admin" })
  async createPartner(
    @Arg("name") name: string,
    @Arg("webhookUrl", () => String, { nullable: true }) webhookUrl: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Partner> {
    const partner = await ctx.services.admin.createPartner(ctx.caller, name, webhookUrl ?? null);
    return { id: partner.id, name: partner.name, webhookSecret: ctx.services.admin.webhookSecretFor(ctx.caller, partner.id) };
  }

  @Authorized("ADMIN")
  @Mutation(() => ApiKey, { description: "admin; ownerId: a store (REGISTER), a partner (GATE, PARTNER)" })
  async issueApiKey(
    @Arg("role", () => ApiKeyRole) role: ApiKeyRole,
    @Arg("ownerId", () => ID) ownerId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ApiKey> {
    const issued = await ctx.services.admin.issueApiKey(ctx.caller, role, ownerId);
    return { id: issued.id, role: issued.role as ApiKeyRole, key: issued.key };
  }

  @Query(() => [ErrorCode], { description: "every extensions.code an operation may fail with" })
  errorCodes(): ErrorCode[] {
    return Object.values(ErrorCode);
  }
}
