import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Bill, PostBillInput } from "../../schema/bills/bill.types";
import { IssuedCode } from "../../schema/codes/code.types";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { approvalOf } from "../../services/kernel/approval";
import { BillStatus, Tender } from "../../schema/enums";
import type { BillEvent } from "../../services/kernel/events";
import { Payment } from "../../schema/payments/payment.types";
import { toPayment } from "../mappers";

@Resolver(() => Bill)
export class BillResolver {
  @FieldResolver(() => Payment, {
    nullable: true,
    description: "the card payment paying the bill (it waits for the card or the phone) or that paid it; for collectBill by card, the payment it made. Seen by the customer and the collecting store's registers only",
  })
  async payment(@Root() bill: Bill, @Ctx() ctx: RequestContext): Promise<Payment | null> {
    if (!bill.paymentId || (ctx.caller.kind !== "customer" && ctx.caller.kind !== "register")) return null;
    const payment = await ctx.services.payments.get(ctx.caller, bill.paymentId);
    return payment && toPayment(payment);
  }

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
  @Mutation(() => Bill, {
    description:
      "register: CASH marks the bill PAID here; CARD charges the bill's amount to the customer's paymentCode (confirmation rules included) and the bill is PAID only once the charge is approved (see payment)",
  })
  async collectBill(
    @Arg("code") code: string,
    @Arg("tender", () => Tender) tender: Tender,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Arg("paymentCode", () => String, { nullable: true, description: "CARD: the payment code charges the bill's amount" }) paymentCode: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Bill> {
    return ctx.services.bills.collectBill(ctx.caller, code, tender, idempotencyKey, paymentCode);
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
