import { Field, ID, InputType, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "a phone's own key pair, as its owner sees it; the public key is not shown" })
export class Device {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: '"Ed25519" or "ES256"' }) algorithm: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: "its last accepted proof" }) lastUsedAt: Date | null;
  @Field(() => Date, { nullable: true, description: "a revoked device's proofs are refused at once" }) revokedAt: Date | null;
  @Field(() => Int, { nullable: true, description: "what its offline payment tokens may pay in any 24 hours; null: the operator's maximum" })
  offlineMaxAmount: number | null;
  @Field(() => Int, { nullable: true, description: "how many offline payments in any 24 hours; null: the operator's maximum" })
  offlineMaxCount: number | null;
}

@InputType({ description: "a registered device's signature over the canonical text of this request (docs/device-proofs.md); accepted once" })
export class DeviceProofInput {
  @Field(() => ID) deviceId: string;
  @Field({ description: "the canonical text, as signed" }) payload: string;
  @Field({ description: "base64url" }) signature: string;
}
