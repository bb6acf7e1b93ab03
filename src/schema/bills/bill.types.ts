import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { BillStatus, Tender } from "../enums";

@ObjectType()
export class Bill {
  @Field(() => ID) id: string;
  @Field({ description: "the biller's own transaction number" }) reference: string;
  @Field() billerName: string;
  @Field(() => Int) amount: number;
  @Field() currency: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field() dueDate: Date;
  @Field(() => BillStatus) status: BillStatus;
  @Field(() => Date, { nullable: true }) paidAt: Date | null;
  @Field(() => String, { nullable: true, description: "receipt place" }) paidAtStore: string | null;
  @Field(() => Tender, { nullable: true, description: "how it was paid, once PAID" }) tender: Tender | null;
  // `payment` (the card payment paying or that paid it) is resolved by BillResolver.
  /** Not a field: the card payment the `payment` field reads. */
  paymentId: string | null;
}

@InputType()
export class PostBillInput {
  @Field() customerPhone: string;
  @Field() reference: string;
  @Field(() => Int) amount: number;
  @Field() currency: string;
  @Field() dueDate: Date;
  @Field(() => String, { nullable: true }) description?: string | null;
}
