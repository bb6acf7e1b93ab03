import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

export enum PayoutFormat {
  CSV = "CSV",
  JSON = "JSON",
}
registerEnumType(PayoutFormat, { name: "PayoutFormat" });

@ObjectType({ description: "what the center owes a store for one day (its time zone) and one card institution, summed from the ledger" })
export class StorePayout {
  @Field({ description: "YYYY-MM-DD, the store's time zone" }) date: string;
  @Field() institution: string;
  @Field() currency: string;
  @Field(() => Int, { description: "approved sales that day" }) sales: number;
  @Field(() => Int) amountApproved: number;
  @Field(() => Int, { description: "refunds made that day, of any day's sales" }) amountRefunded: number;
  @Field(() => Int) amountVoided: number;
  @Field(() => Int, { description: "amountApproved - amountRefunded - amountVoided" }) net: number;
}
