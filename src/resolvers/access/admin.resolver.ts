import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { ApiKey, ApiKeyInfo, Partner, Store } from "../../schema/access/admin.types";
import type { RequestContext } from "../../schema/context";
import { toApiKeyInfo } from "../mappers";
import { ApiKeyRole } from "../../schema/enums";
import { ErrorCode } from "../../services/kernel/errors";

@Resolver()
export class AdminResolver {
  @Authorized("ADMIN")
  @Mutation(() => Store, { description: "admin" })
  async createStore(
    @Arg("name") name: string,
    @Arg("currency") currency: string,
    @Arg("programId", () => ID, { nullable: true }) programId: string | null,
    @Arg("webhookUrl", () => String, { nullable: true, description: "where the store's back office hears of its payments and bills" })
    webhookUrl: string | null,
    @Arg("timeZone", () => String, { nullable: true, description: "IANA, default UTC: the store's day for its report" }) timeZone: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Store> {
    const { store, webhookSecret } = await ctx.services.admin.createStore(ctx.caller, { name, currency, programId, webhookUrl, timeZone });
    return { id: store.id, name: store.name, currency: store.currency, timeZone: store.timeZone, webhookSecret };
  }

  @Authorized("ADMIN")
  @Mutation(() => Partner, { description: "admin" })
  async createPartner(
    @Arg("name") name: string,
    @Arg("webhookUrl", () => String, { nullable: true }) webhookUrl: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Partner> {
    const { partner, webhookSecret } = await ctx.services.admin.createPartner(ctx.caller, name, webhookUrl ?? null);
    return { id: partner.id, name: partner.name, webhookSecret };
  }

  @Authorized("ADMIN")
  @Mutation(() => ApiKey, { description: "admin; ownerId: a store (REGISTER), a partner (GATE, PARTNER)" })
  async issueApiKey(
    @Arg("role", () => ApiKeyRole) role: ApiKeyRole,
    @Arg("ownerId", () => ID) ownerId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ApiKey> {
    const issued = await ctx.services.admin.issueApiKey(ctx.caller, role, ownerId);
    return { id: issued.id, role: issued.role, key: issued.key };
  }

  @Authorized("ADMIN")
  @Query(() => [ApiKeyInfo], { description: "admin: keys, all or one owner's, newest first (at most 1,000)" })
  async apiKeys(@Arg("ownerId", () => ID, { nullable: true }) ownerId: string | null, @Ctx() ctx: RequestContext): Promise<ApiKeyInfo[]> {
    return (await ctx.services.credentials.listApiKeys(ctx.caller, ownerId ?? null)).map(toApiKeyInfo);
  }

  @Authorized("ADMIN")
  @Mutation(() => ApiKeyInfo, { description: "admin: refused from now on, over HTTP and on open sockets, on every instance" })
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ApiKeyInfo> {
    return toApiKeyInfo(await ctx.services.credentials.revokeApiKey(ctx.caller, id));
  }

  @Authorized("ADMIN")
  @Mutation(() => Int, { description: "admin, for a lost phone: every session and open socket ends; returns how many sessions" })
  endCustomerSessions(@Arg("customerId", () => ID) customerId: string, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.credentials.endCustomerSessions(ctx.caller, customerId);
  }

  @Query(() => [ErrorCode], { description: "every extensions.code an operation may fail with" })
  errorCodes(): ErrorCode[] {
    return Object.values(ErrorCode);
  }
}
