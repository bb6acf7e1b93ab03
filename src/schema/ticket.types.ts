import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { AdmissionResult } from "./enums";

@ObjectType()
export class Event {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() venue: string;
  @Field() startsAt: Date;
  @Field() doorsOpenAt: Date;
  @Field(() => Int, { description: "ticket codes can be had from this many minutes before doors open" })
  releaseMinutesBeforeDoors: number;
}

@ObjectType()
export class Ticket {
  @Field(() => ID) id: string;
  @Field({ description: "the ticket shop's own number" }) issueNumber: string;
  @Field(() => Event) event: Event;
  @Field(() => String, { nullable: true }) seat: string | null;
  @Field(() => Int, { description: "1 for a one-time ticket; more for multi-day or multi-ride" }) usesAllowed: number;
  @Field(() => Int) usesLeft: number;
  @Field() validFrom: Date;
  @Field() validUntil: Date;
  @Field({ description: "after an allotment, the acquaintance's phone" }) holderPhone: string;
  @Field({ description: "from when the phone may get a ticket code" }) releasedAt: Date;
}

@ObjectType()
export class Admission {
  @Field(() => AdmissionResult) result: AdmissionResult;
  @Field(() => String, {
    nullable: true,
    description: "when DENIED: ALREADY_USED, NOT_YET_VALID, EXPIRED, WRONG_EVENT, REVOKED, INVALID",
  })
  reason: string | null;
  @Field(() => Ticket, { nullable: true }) ticket: Ticket | null;
  @Field(() => Int, { description: "visitors admitted to this event so far" }) admittedCount: number;
  @Field() at: Date;
}

@ObjectType()
export class Attendance {
  @Field(() => ID) eventId: string;
  @Field(() => Int) ticketsIssued: number;
  @Field(() => Int) admitted: number;
}

@InputType()
export class EventInput {
  @Field() title: string;
  @Field() venue: string;
  @Field() startsAt: Date;
  @Field() doorsOpenAt: Date;
  @Field(() => Int, { nullable: true, description: "default 60: ticket codes from one hour before doors open" })
  releaseMinutesBeforeDoors?: number | null;
}

@InputType()
export class PostTicketInput {
  @Field(() => ID) eventId: string;
  @Field() issueNumber: string;
  @Field() holderPhone: string;
  @Field(() => String, { nullable: true }) seat?: string | null;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) usesAllowed?: number | null;
  @Field(() => Date, { nullable: true }) validFrom?: Date | null;
  @Field(() => Date, { nullable: true }) validUntil?: Date | null;
}
