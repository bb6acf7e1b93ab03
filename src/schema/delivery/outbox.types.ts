import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({
  description: "an outbox message (webhook, institution report or reversal) given up after OUTBOX_GIVE_UP_AFTER_DAYS of failures; never its payload",
})
export class DeadMessage {
  @Field(() => ID) id: string;
  @Field({ description: "partner.webhook, institution.report, institution.reverse" }) topic: string;
  @Field({ description: "who receives it: institution, or partner:<partner id>" }) destination: string;
  @Field(() => Int, { description: "failed attempts since it was created or last retried" }) attempts: number;
  @Field(() => String, { nullable: true, description: "the last failure (error class, message, network code), secrets taken out" })
  lastError: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: "when it was given up; null once retryDeadMessage made it due again" })
  diedAt: Date | null;
}

@ObjectType()
export class DeadMessagePage {
  @Field(() => [DeadMessage]) nodes: DeadMessage[];
  @Field(() => String, { nullable: true, description: "pass as `after` for the next page; null on the last" }) nextCursor: string | null;
}
