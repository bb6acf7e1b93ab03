import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "an Apple Wallet pass (.pkpass) of a ticket or a member card" })
export class AppleWalletPass {
  @Field({ description: "the pass's serial number, under its pass type" }) serialNumber: string;
  @Field() passTypeIdentifier: string;
  @Field({ description: "where the phone's browser downloads the pass (Wallet then offers to add it); it holds the pass's own token" })
  downloadUrl: string;
  @Field({ description: "the same .pkpass, base64" }) pkpass: string;
}

@ObjectType({ description: "a 'Save to Google Wallet' link of a ticket or a member card" })
export class GoogleWalletLink {
  @Field({ description: "https://pay.google.com/gp/v/save/ followed by the signed JWT" }) url: string;
  @Field({ description: "the Google Wallet object's id (issuer id.object)" }) objectId: string;
}
