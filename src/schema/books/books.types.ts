import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "a decision's signed receipt (docs/books.md): check it offline with receiptKeys" })
export class Receipt {
  @Field(() => ID) id: string;
  @Field({ description: "payment.approved, payment.refunded, ... (clients/wire/receipt.ts RECEIPT_KINDS)" }) kind: string;
  @Field({ description: "the receipt's body as RFC 8785 canonical JSON: exactly the bytes the signature covers" }) body: string;
  @Field({ description: "the receipt key that signed it" }) keyId: string;
  @Field({ description: "Ed25519 over body, base64url" }) signature: string;
  @Field({ description: 'the signed receipt as one JSON document {"body","keyId","signature"}: what a QR carries and a verifier takes' })
  json: string;
}

@ObjectType({ description: "the books' size and root at a moment, signed with the receipt key" })
export class TreeHead {
  @Field(() => Int) size: number;
  @Field({ description: "base64url of the 32-byte RFC 9162 root" }) root: string;
  @Field() at: Date;
  @Field() keyId: string;
  @Field({ description: "Ed25519 over the head's canonical JSON, base64url" }) signature: string;
}

@ObjectType({ description: "a receipt and its inclusion proof against the latest signed tree head" })
export class ReceiptProof {
  @Field(() => Receipt) receipt: Receipt;
  @Field(() => Int, { nullable: true, description: "its place in the books; null until sealed (a few seconds)" }) leafIndex: number | null;
  @Field(() => TreeHead, { nullable: true }) treeHead: TreeHead | null;
  @Field(() => [String], { description: "base64url hashes, leaf side first (RFC 9162 §2.1.3)" }) path: string[];
}

@ObjectType({ description: "the proof that the later books are the earlier ones with entries added, none changed or removed" })
export class BooksConsistency {
  @Field(() => TreeHead) from: TreeHead;
  @Field(() => TreeHead) to: TreeHead;
  @Field(() => [String], { description: "base64url hashes (RFC 9162 §2.1.4)" }) path: string[];
}

@ObjectType({ description: "a receipt key as the key set publishes it" })
export class ReceiptKey {
  @Field() keyId: string;
  @Field({ description: "Ed25519, base64url of the 32 raw bytes" }) publicKey: string;
  @Field({ description: '"receipts": receipts and tree heads' }) use: string;
  @Field({ description: "it signs from this moment" }) from: Date;
  @Field(() => Date, { nullable: true, description: "until this one; null while it is current" }) until: Date | null;
}
