import { Field, ID, InputType, ObjectType } from "type-graphql";

@InputType({ description: "what the browser's PushSubscription gives (its toJSON()): the push service's endpoint and the keys payloads are encrypted to" })
export class PushSubscriptionInput {
  @Field({ description: "the push service's URL for this browser (https)" }) endpoint: string;
  @Field({ description: "keys.p256dh: the browser's P-256 public key, base64url" }) p256dh: string;
  @Field({ description: "keys.auth: the browser's 16-byte secret, base64url" }) auth: string;
  @Field(() => String, { nullable: true, description: "how the customer recognises this browser in the list (at most 100 characters)" }) label?: string | null;
  @Field(() => ID, { nullable: true, description: "this phone's registered device: revoking it ends the subscription too" }) deviceId?: string | null;
}

@ObjectType({ description: "a browser that receives this customer's notifications (Web Push) while the app is closed; the endpoint and keys are not shown" })
export class PushSubscription {
  @Field(() => ID) id: string;
  @Field() label: string;
  @Field(() => ID, { nullable: true }) deviceId: string | null;
  @Field({ description: "registered by the session asking" }) thisSession: boolean;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: "the last notification its push service accepted" }) lastPushedAt: Date | null;
}
