import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Bill, PostBillInput } from "../schema/bill.types";
import { IssuedCode } from "../schema/code.types";
import type { RequestContext } from "../schema/context";
import { DeviceProofInput } from "../schema/device.types";
import { approvalOf } from "../services/approval";
import { BillStatus, Tender } from "../schema/enums";
import type { BillEvent } from "../services/events";

@Resolver()
export class BillResolver {
  @Authorized("PARTNER")
  @Mutation(() => Bill, { description: "partner: idempotent on (partner, reference)" })
  async postBill(@Arg("input") input: PostBillInput, @Ctx() ctx: RequestContext): Promise<Bill> {
    return ctx.services.bills.postBill(ctx.caller, input);
  }

  @Authorized("PARTNER")
  @Mutation(() => Bill, { description: "partner" })
  async cancelBill(@Arg("reference") reference: string, @Ctx() ctx: RequestContext): Promise<Bill> {
    return ctx.services.bills.cancelBill(ctx.caller, reference);
  }

  @Authorized("PHONE", "PARTNER")
  @Query(() => [Bill], { description: "phone: own; partner: own" })
  async bills(@Arg("status", () => BillStatus, { nullable: true }) status: BillStatus | null, @Ctx() ctx: RequestContext): Promise<Bill[]> {
    return ctx.services.bills.bills(ctx.caller, status ?? null);
  }

  @Authorized("PHONE")
  @Mutation(() => IssuedCode, { description: "phone" })
  async issueBillCode(
    @Arg("billId", () => ID) billId: string,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCode> {
    return ctx.services.bills.issueBillCode(ctx.caller, billId, approvalOf(password, proof));
  }

  @Authorized("REGISTER")
  @Mutation(() => Bill, { description: "register" })
  async collectBill(
    @Arg("code") code: string,
    @Arg("tender", () => Tender) tender: Tender,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Bill> {
    return ctx.services.bills.collectBill(ctx.caller, code, tender, idempotencyKey);
  }

  @Authorized("REGISTER")
  @Query(() => [Bill], { description: "register: the bills its store collected on a calendar day (YYYY-MM-DD, the store's time zone), oldest first" })
  async collectedBills(@Arg("date") date: string, @Ctx() ctx: RequestContext): Promise<Bill[]> {
    return ctx.services.bills.collectedBills(ctx.caller, date);
  }

  @Authorized("REGISTER")
  @Mutation(() => Bill, {
    description: "register: undoes its store's mistaken cash collection, the same day; the bill is payable again and the biller is told (bill.reversed)",
  })
  async reverseBillCollection(
    @Arg("billId", () => ID) billId: string,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Bill> {
    return ctx.services.bills.reverseBillCollection(ctx.caller, billId, idempotencyKey);
  }

  @Subscription(() => Bill, {
    description: "partner: its own bills, when paid",
    subscribe: ({ context }) => (context as RequestContext).services.live.billReceipts((context as RequestContext).caller),
  })
  billReceipts(@Root() event: BillEvent): Bill {
    return {
      ...event,
      dueDate: new Date(event.dueDate),
      paidAt: event.paidAt === null ? null : new Date(event.paidAt),
    };
  }
}
