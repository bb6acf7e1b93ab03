import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { CodeCard } from "../codes/code.types";
import { PaymentStatus } from "../enums";

@ObjectType()
export class SaleItem {
  @Field() name: string;
  @Field(() => Int) quantity: number;
  @Field(() => Int) unitPrice: number;
}

@ObjectType()
export class Payment {
  @Field(() => ID) id: string;
  @Field(() => PaymentStatus) status: PaymentStatus;
  @Field(() => Int) amount: number;
  @Field() currency: string;
  @Field(() => [SaleItem]) items: SaleItem[];
  @Field() storeName: string;
  @Field(() => CodeCard) card: CodeCard;
  @Field(() => String, { nullable: true, description: "from the card institution, when APPROVED" }) approvalNumber: string | null;
  @Field(() => String, { nullable: true }) declineReason: string | null;
  @Field(() => String, { nullable: true, description: "the register's own receipt number" }) reference: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => Int, { description: "sum of refunds so far; never above amount" }) refundedAmount: number;
  // Capture later (redeemCode capture: false): the amount authorized; `amount` is the captured
  // amount once captured. No description in the SDL: the clients' type check removes the
  // field printed before it (approvalNumber) and two descriptions in a row do not parse.
  @Field(() => Int, { nullable: true }) authorizedAmount: number | null;
  @Field(() => Date, { nullable: true, description: "capture later: when the authorization was captured" }) capturedAt: Date | null;
  // `points` (PointsResult, when a member code came with the payment) and `customerNumber`
  // (a keyed hash of customer and store) are resolved by PaymentResolver.
  /** Not a field: whose payment, which `customerNumber` reads with the store. */
  customerId: string;
  /** Not a field: the store it was made at, which `customerNumber` reads. */
  storeId: string;
  /** Not a field: the customer number kept with the payment (null before numbers were kept), which `customerNumber` reads first. */
  keptCustomerNumber?: string | null;
  /** Not a field: the points settlement made with this payment, which the `points` field reads. */
  pointsSettlementId: string | null;
  /** Not a field: the object it was made from, whose receipt `receipt` finds without a read when it was decided in this process. */
  source?: object;
}

@ObjectType()
export class PaymentConnection {
  @Field(() => [Payment]) nodes: Payment[];
  @Field(() => String, { nullable: true }) nextCursor: string | null;
}

@InputType()
export class SaleItemInput {
  @Field() name: string;
  @Field(() => Int) quantity: number;
  @Field(() => Int) unitPrice: number;
}

@InputType()
export class SaleInput {
  @Field(() => Int) amount: number;
  @Field() currency: string;
  @Field(() => [SaleItemInput], { nullable: true, description: "when given, must add up to amount" }) items?: SaleItemInput[] | null;
  @Field(() => String, { nullable: true, description: "the register's own receipt number" }) reference?: string | null;
}

@ObjectType({ description: "A payment waiting for the customer's OK on the phone." })
export class ConfirmationRequest {
  @Field(() => ID) id: string;
  @Field(() => Payment) payment: Payment;
  @Field() expiresAt: Date;
}

@ObjectType({ description: "a store's calendar day in its time zone, summed from its own rows" })
export class StoreReport {
  @Field({ description: "YYYY-MM-DD" }) date: string;
  @Field() currency: string;
  @Field(() => Int) paymentsApproved: number;
  @Field(() => Int) amountApproved: number;
  @Field(() => Int, { description: "refunds made that day, of any day's sales" }) amountRefunded: number;
  @Field(() => Int) amountVoided: number;
  @Field(() => Int) billsCollected: number;
  @Field(() => Int, { description: "what the till must hand over for bills" }) cashCollected: number;
  @Field(() => Int, { description: "points earned at its registers" }) pointsIssued: number;
  @Field(() => Int, { description: "points redeemed at its registers" }) pointsRedeemed: number;
  @Field(() => Int, { description: "redeemed points given back by refunds that day" }) pointsReturned: number;
  @Field(() => Int, { description: "earned points taken back by refunds that day" }) pointsTakenBack: number;
}
