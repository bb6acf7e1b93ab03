import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { CardKind, CardStatus } from "../enums";

@ObjectType()
export class Customer {
  @Field(() => ID) id: string;
  @Field({ description: "E.164, e.g. +819012345678" }) phone: string;
  @Field() name: string;
  @Field(() => Int, { nullable: true, description: "payments above this amount wait for the phone's OK; null = never, 0 = always" })
  confirmAbove: number | null;
}

@ObjectType()
export class Session {
  @Field() token: string;
  @Field() expiresAt: Date;
  @Field(() => Customer) customer: Customer;
}

@ObjectType()
export class Card {
  @Field(() => ID) id: string;
  @Field({ description: "short digits/symbols that pick this card, e.g. \"1\"" }) selector: string;
  @Field(() => CardKind) kind: CardKind;
  @Field({ description: "card company or bank name" }) institution: string;
  @Field({ description: "VISA, MASTERCARD, JCB, AMEX, ... derived from the PAN" }) brand: string;
  @Field({ description: "the only part of the card number that ever leaves the server" }) last4: string;
  @Field(() => Int) expiryMonth: number;
  @Field(() => Int) expiryYear: number;
  @Field(() => String, { nullable: true }) label: string | null;
  @Field(() => CardStatus, { description: "NOT_AVAILABLE while the card is past its expiry, whatever the customer set" }) status: CardStatus;
  @Field({ description: "past the last day of its expiry month (UTC): it cannot pay until updateCardExpiry" }) expired: boolean;
}

@InputType()
export class EnrollCustomerInput {
  @Field() phone: string;
  @Field() name: string;
  @Field() password: string;
  @Field(() => String, { nullable: true }) address?: string | null;
}

@InputType()
export class AddCardInput {
  @Field() pan: string;
  @Field(() => Int) expiryMonth: number;
  @Field(() => Int) expiryYear: number;
  @Field() holderName: string;
  @Field(() => CardKind) kind: CardKind;
  @Field() institution: string;
  @Field(() => String, { nullable: true }) label?: string | null;
}
