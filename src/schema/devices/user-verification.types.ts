import { Field, InputType, Int, ObjectType } from "type-graphql";

@InputType({ description: "who holds the phone: exactly one of a passkey's assertion and the payment PIN (docs/user-verification.md)" })
export class UserVerificationInput {
  @Field(() => String, {
    nullable: true,
    description: "the browser's AuthenticationResponseJSON (navigator.credentials.get() answering userVerificationOptions), as JSON text",
  })
  webAuthn?: string | null;
  @Field(() => String, { nullable: true, description: "the payment PIN (4 to 8 digits), where the phone has no authenticator" })
  pin?: string | null;
}

@ObjectType({ description: "the ways this customer can say it is they who hold the phone" })
export class UserVerificationMethods {
  @Field(() => Int, { description: "passkeys registered (platform authenticators)" }) passkeys: number;
  @Field({ description: "a payment PIN is set" }) pin: boolean;
  @Field(() => Int, { description: "wrong PINs allowed before the PIN is blocked (0: blocked or none set)" }) pinTriesLeft: number;
}
