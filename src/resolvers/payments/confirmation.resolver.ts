import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { DeviceProofInput } from "../../schema/devices/device.types";
import { UserVerificationInput } from "../../schema/devices/user-verification.types";
import { approvalOf } from "../../services/kernel/approval";
import { Customer } from "../../schema/access/customer.types";
import { ConfirmationRequest, Payment, SaleInput } from "../../schema/payments/payment.types";
import type { ConfirmationRequestEvent, PaymentEvent } from "../../services/kernel/events";
import { toCustomer, toPayment } from "../mappers";

@Resolver()
export class ConfirmationResolver {
  @Authorized("PHONE")
  @Mutation(() => Customer, { description: "phone: payments above this amount wait for the phone's OK; 0 = always, null = never" })
  async setConfirmAbove(
    @Arg("amount", () => Int, { nullable: true }) amount: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Customer> {
    return toCustomer(await ctx.services.customers.setConfirmAbove(ctx.caller, amount ?? null));
  }

  @Authorized("REGISTER")
  @Mutation(() => Payment, { description: "register: ask the customer's phone to confirm a sale on the card with this selector" })
  async requestPayment(
    @Arg("phone") phone: string,
    @Arg("cardSelector") cardSelector: string,
    @Arg("sale") sale: SaleInput,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.requestPayment(ctx.caller, phone, cardSelector, sale, idempotencyKey));
  }

  @Authorized("PHONE")
  @Mutation(() => Payment, { description: "phone" })
  async respondToConfirmation(
    @Arg("requestId", () => ID) requestId: string,
    @Arg("approve") approve: boolean,
    @Arg("password", () => String, { nullable: true }) password: string | null,
    @Arg("proof", () => DeviceProofInput, { nullable: true }) proof: DeviceProofInput | null,
    @Arg("verification", () => UserVerificationInput, { nullable: true, description: "who holds the phone, to approve (docs/user-verification.md)" })
    verification: UserVerificationInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Payment> {
    return toPayment(await ctx.services.payments.respondToConfirmation(ctx.caller, requestId, approve, approvalOf(password, proof), verification));
  }

  @Authorized("PHONE")
  @Query(() => [ConfirmationRequest], { description: "phone: requests still waiting for an answer (for a phone that subscribes late)" })
  async pendingConfirmations(@Ctx() ctx: RequestContext): Promise<ConfirmationRequest[]> {
    const pending = await ctx.services.confirmations.pending(ctx.caller);
    return pending.map(({ request, payment }) => ({ id: request.id, expiresAt: request.expiresAt, payment: toPayment(payment) }));
  }

  @Subscription(() => ConfirmationRequest, {
    description: "phone: its own only",
    subscribe: ({ context }) => (context as RequestContext).services.live.confirmationRequests((context as RequestContext).caller),
  })
  confirmationRequests(@Root() event: ConfirmationRequestEvent): ConfirmationRequest {
    return { id: event.id, expiresAt: new Date(event.expiresAt), payment: toPayment(event.payment) };
  }

  @Subscription(() => Payment, {
    description: "phone: own payments; register: own store's",
    subscribe: ({ context }) => (context as RequestContext).services.live.paymentUpdates((context as RequestContext).caller),
  })
  paymentUpdates(@Root() event: PaymentEvent): Payment {
    return toPayment(event);
  }
}
