import { Field, ID, ObjectType } from "type-graphql";
import { ApiKeyRole } from "./enums";

@ObjectType()
export class ApiKey {
  @Field(() => ID) id: string;
  @Field(() => ApiKeyRole) role: ApiKeyRole;
  @Field({ description: "shown once" }) key: string;
}

@ObjectType()
export class Store {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() currency: string;
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
