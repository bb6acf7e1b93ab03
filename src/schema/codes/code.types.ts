import { Field, Int, ObjectType } from "type-graphql";
import { CodeKind } from "../enums";
import { Bill } from "../bills/bill.types";
import { Membership } from "../members/membership.types";
import { Ticket } from "../tickets/ticket.types";

@ObjectType()
export class IssuedCode {
  @Field({ description: "what the QR holds; a PAYMENT/MEMBER/BILL code is digits only, so it can be keyed in" })
  code: string;
  @Field(() => CodeKind) kind: CodeKind;
  @Field() expiresAt: Date;
  // qrSvg and qrPng: drawn on demand by resolvers/issued-code.resolver.ts
}

@ObjectType()
export class CodeCard {
  @Field() institution: string;
  @Field() brand: string;
  @Field() last4: string;
}

@ObjectType({ description: "What a register or gate learns from a scanned code without using it up." })
export class CodeLookup {
  @Field(() => CodeKind) kind: CodeKind;
  @Field() expiresAt: Date;
  @Field(() => Int, { nullable: true, description: "PAYMENT: the cap the customer set, if any" }) maxAmount: number | null;
  @Field(() => CodeCard, { nullable: true, description: "PAYMENT: institution, brand and last4 only" }) card: CodeCard | null;
  @Field(() => Membership, { nullable: true, description: "MEMBER: points and offers for the caller's program" })
  membership: Membership | null;
  @Field(() => Bill, { nullable: true, description: "BILL: amount and biller, for the clerk to collect" }) bill: Bill | null;
  @Field(() => Ticket, { nullable: true, description: "TICKET" }) ticket: Ticket | null;
}
