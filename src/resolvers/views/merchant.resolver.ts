import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { PaymentConnection } from "../../schema/payments/payment.types";
import { BillConnection, BillSearchInput, PaymentSearchInput, TicketConnection, TicketSearchInput } from "../../schema/views/search.types";
import { PayoutFormat, StorePayout } from "../../schema/views/payout.types";
import { toPayment, toTicket } from "../mappers";

/** What a store's back office and a biller look up: searches with cursors, and the store's payouts. */
@Resolver()
export class MerchantResolver {
  @Authorized("REGISTER")
  @Query(() => PaymentConnection, { description: "register: its store's payments by reference, status, amount and time, newest first" })
  async searchPayments(
    @Arg("filter", () => PaymentSearchInput, { nullable: true }) filter: PaymentSearchInput | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PaymentConnection> {
    const page = await ctx.services.paymentSearch.search(ctx.caller, filter ?? {}, first ?? 20, after ?? null);
    return { nodes: page.nodes.map(toPayment), nextCursor: page.nextCursor };
  }

  @Authorized("PARTNER")
  @Query(() => BillConnection, { description: "partner: its bills by reference, status, amount and posting time, newest first" })
  searchBills(
    @Arg("filter", () => BillSearchInput, { nullable: true }) filter: BillSearchInput | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<BillConnection> {
    return ctx.services.billSearch.search(ctx.caller, filter ?? {}, first ?? 20, after ?? null);
  }

  @Authorized("PARTNER")
  @Query(() => TicketConnection, { description: "partner: its tickets by issue number, event, status and posting time, newest first" })
  async searchTickets(
    @Arg("filter", () => TicketSearchInput, { nullable: true }) filter: TicketSearchInput | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<TicketConnection> {
    const page = await ctx.services.ticketSearch.search(ctx.caller, filter ?? {}, first ?? 20, after ?? null);
    return { nodes: page.nodes.map(toTicket), nextCursor: page.nextCursor };
  }

  @Authorized("REGISTER", "ADMIN")
  @Query(() => [StorePayout], { description: "register: its store; admin: the store named; per day (YYYY-MM-DD, the store's time zone, both included) and institution" })
  storePayouts(
    @Arg("from") from: string,
    @Arg("to") to: string,
    @Arg("storeId", () => ID, { nullable: true }) storeId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<StorePayout[]> {
    return ctx.services.storePayouts.payouts(ctx.caller, from, to, storeId ?? null);
  }

  @Authorized("REGISTER", "ADMIN")
  @Query(() => String, { description: "storePayouts as a file: CSV (a header line, one line per day and institution) or JSON" })
  storePayoutsExport(
    @Arg("from") from: string,
    @Arg("to") to: string,
    @Arg("format", () => PayoutFormat) format: PayoutFormat,
    @Arg("storeId", () => ID, { nullable: true }) storeId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return ctx.services.storePayouts.export(ctx.caller, from, to, storeId ?? null, format);
  }
}
