import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "one webhook sent to this partner or store, kept to catch up from (docs/events.md)" })
export class WebhookEvent {
  @Field(() => ID, { description: "the body's id and the X-Wallet-Event-Id header" }) id: string;
  @Field({ description: "payment.approved, bill.paid, bill.overdue, ..." }) type: string;
  @Field() createdAt: Date;
  @Field({ description: "the webhook's JSON body, exactly as it was sent: {id, type, createdAt, data}" }) body: string;
}

@ObjectType()
export class WebhookEventConnection {
  @Field(() => [WebhookEvent]) nodes: WebhookEvent[];
  @Field(() => String, { nullable: true, description: "pass as `after` for the next page; null on the last" }) nextCursor: string | null;
}
