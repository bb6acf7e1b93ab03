import { Field, ID, ObjectType } from "type-graphql";
import { ApiKeyRole } from "../enums";

@ObjectType()
export class ApiKey {
  @Field(() => ID) id: string;
  @Field(() => ApiKeyRole) role: ApiKeyRole;
  @Field({ description: "shown once" }) key: string;
}

@ObjectType({ description: "an API key as the back office sees it; never the key itself" })
export class ApiKeyInfo {
  @Field(() => ID) id: string;
  @Field(() => ApiKeyRole) role: ApiKeyRole;
  @Field(() => ID) ownerId: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: "to within a minute" }) lastUsedAt: Date | null;
  @Field(() => Date, { nullable: true, description: "a revoked key is refused at once: over HTTP and on sockets already open" })
  revokedAt: Date | null;
}

@ObjectType()
export class Store {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() currency: string;
  @Field({ description: "IANA time zone the store's day is counted in" }) timeZone: string;
  @Field(() => String, { nullable: true, description: "shown once, by createStore, when a webhook URL is given" })
  webhookSecret?: string | null;
}

@ObjectType()
export class Partner {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, {
    nullable: true,
    description: "createPartner only: the secret that signs this partner's webhooks (X-Wallet-Signature); keep it safe",
  })
  webhookSecret?: string | null;
}
