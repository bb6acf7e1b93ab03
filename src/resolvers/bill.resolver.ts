import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Bill, PostBillInput } from "../schema/bill.types";
import { IssuedCode } from "../schema/code.types";
import type { RequestContext } from "../schema/context";
import { BillStatus, Tender, type CodeKind } from "../schema/enums";
import type { BillView } from "../services/bill.service";
import type { BillEvent } from "../services/events";

const toBill = (b: BillView): Bill => ({ ...b, status: b.status as BillStatus });

@Resolver()
export class BillResolver {
  @Authorized("PARTNER")
  @Mutation(() => Bill, { description: "partner: idempotent on (partner, reference)" })
  async postBill(@Arg("input") input: PostBillInput, @Ctx() ctx: RequestContext): Promise<Bill> {
    return toBill(await ctx.services.bills.postBill(ctx.caller, input));
  }

  @Authorized("PARTNER")
  @Mutation(() => Bill, { description: "partner" })
  async cancelBill(@Arg("reference") reference: string, @Ctx() ctx: RequestContext): Promise<Bill> {
    return toBill(await ctx.services.bills.cancelBill(ctx.caller, reference));
  }

  @Authorized("PHONE", "PARTNER")
  @Query(() => [Bill], { description: "phone: own; partner: own" })
  async bills(@Arg("status", () => BillStatus, { nullable: true }) status: BillStatus | null, @Ctx() ctx: RequestContext): Promise<Bill[]> {
    return (await ctx.services.bills.bills(ctx.caller, status ?? null)).map(toBill);
  }

  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issueBillCode(@Arg("billId", () => ID) billId: string, @Arg("password") password: string, @Ctx() ctx: RequestContext): Promise<IssuedCode> {
    const issued = await ctx.services.bills.issueBillCode(ctx.caller, billId, password);
    return { ...issued, kind: issued.kind as CodeKind };
  }

  @Authorized("REGISTER")
  @Mutation(() => Bill, { description: "register" })
  async collectBill(
    @Arg("code") code: string,
    @Arg("tender", () => Tender) tender: Tender,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Bill> {
    return toBill(await ctx.services.bills.collectBill(ctx.caller, code, tender, idempotencyKey));
  }

  @Subscription(() => Bill, {
    description: "partner: its own bills, when paid",
    subscribe: ({ context }) => (context as RequestContext).services.live.billReceipts((context as RequestContext).caller),
  })
  billReceipts(@Root() event: BillEvent): Bill {
    return {
      ...event,
      status: event.status as BillStatus,
      dueDate: new Date(event.dueDate),
      paidAt: event.paidAt === null ? null : new Date(event.paidAt),
    };
  }
}
