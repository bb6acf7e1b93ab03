import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "What the customer's payment codes may pay in a day, and what they paid today" })
export class DailyLimits {
  @Field(() => Int, { nullable: true, description: "the customer's own day total (null: none of their own)" }) maxAmount: number | null;
  @Field(() => Int, { nullable: true, description: "the customer's own count a day (null: none of their own)" }) maxCount: number | null;
  @Field(() => Int, { nullable: true, description: "the operator's ceiling on the day's total (null: none); the customer may set at most this" }) ceilingAmount: number | null;
  @Field(() => Int, { nullable: true, description: "the operator's ceiling on the count (null: none)" }) ceilingCount: number | null;
  @Field({ description: "the calendar day counted, YYYY-MM-DD in timeZone" }) day: string;
  @Field({ description: "the IANA time zone whose midnight starts a new day" }) timeZone: string;
  @Field(() => Int, { description: "what payment codes paid today (payments that charged nothing give theirs back)" }) spentToday: number;
  @Field(() => Int) paymentsToday: number;
}
