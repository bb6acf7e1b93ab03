import { Field, ID, InputType, Int, ObjectType } from "type-graphql";

/** The gate's desk: check-in lists, the search for a visitor without a phone, the shop's audit. */

@ObjectType({ description: "an event's check-in list: who a gate scanning for it admits, and when (a day of a festival, a VIP area)" })
export class CheckInList {
  @Field(() => ID) id: string;
  @Field(() => ID) eventId: string;
  @Field() name: string;
  @Field({ description: "every ticket of the event; otherwise only those posted with this list in checkInListIds" }) allTickets: boolean;
  @Field(() => Date, { nullable: true, description: "before it: NOT_YET_VALID" }) opensAt: Date | null;
  @Field(() => Date, { nullable: true, description: "from it: EXPIRED" }) closesAt: Date | null;
}

@InputType()
export class CheckInListInput {
  @Field(() => ID) eventId: string;
  @Field() name: string;
  @Field(() => Boolean, { nullable: true, description: "default true: every ticket of the event" }) allTickets?: boolean | null;
  @Field(() => Date, { nullable: true }) opensAt?: Date | null;
  @Field(() => Date, { nullable: true }) closesAt?: Date | null;
}

@ObjectType({ description: "tickets admitted for one check-in list, each once" })
export class CheckInListCount {
  @Field(() => ID) listId: string;
  @Field() name: string;
  @Field(() => Int) admitted: number;
}

@ObjectType({ description: "a ticket a gate found by attendee name or ticket number: no phone number" })
export class GateSearchHit {
  @Field(() => ID) ticketId: string;
  @Field() issueNumber: string;
  @Field(() => String, { nullable: true }) attendeeName: string | null;
  @Field(() => String, { nullable: true }) seat: string | null;
  @Field(() => Int) usesAllowed: number;
  @Field(() => Int) usesLeft: number;
  @Field() inside: boolean;
  @Field() revoked: boolean;
}

@ObjectType({ description: "what a gate did by hand: SEARCH (how many found; never what was asked), ADMIT_BY_ID, UNDO" })
export class GateAuditEntry {
  @Field() action: string;
  @Field(() => ID) apiKeyId: string;
  @Field(() => ID, { nullable: true }) ticketId: string | null;
  @Field(() => Int, { nullable: true }) hits: number | null;
  @Field() at: Date;
}
