import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { DENIAL_REASONS } from "../../services/tickets/admission-rules";
import { AdmissionResult } from "../enums";
import { CheckInList, CheckInListCount } from "./gate-desk.types";

@ObjectType()
export class Event {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() venue: string;
  @Field() startsAt: Date;
  @Field() doorsOpenAt: Date;
  @Field(() => Int, { description: "ticket codes can be had from this many minutes before doors open" })
  releaseMinutesBeforeDoors: number;
  @Field({ description: "a single-entry ticket may come back in after an exit" }) allowReentry: boolean;
  @Field(() => Int, { nullable: true, description: "how many times a ticket may be passed on; null: no limit, 0: never" })
  maxTransfers: number | null;
}

@ObjectType({ description: "one use of a ticket: when and at which gate it was admitted" })
export class TicketUse {
  @Field() at: Date;
  @Field(() => String, { nullable: true }) gate: string | null;
}

@ObjectType({ description: "one allotment of a ticket; a phone number the caller did not know is masked" })
export class TicketTransfer {
  @Field() fromPhone: string;
  @Field() toPhone: string;
  @Field() at: Date;
  @Field(() => Date, { nullable: true, description: "when the giver took the ticket back" }) takenBackAt: Date | null;
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
  @Field(() => Int, { nullable: true, description: "a pass: a second use sooner is DENIED with reason TOO_SOON" })
  minMinutesBetweenUses: number | null;
  @Field(() => String, { nullable: true, description: "the attendee's name, shown at the gate with the seat" }) attendeeName: string | null;
}

@ObjectType()
export class Admission {
  @Field(() => ID, { description: "the recorded scan: its gate undoes an admission by it" }) id: string;
  @Field(() => AdmissionResult) result: AdmissionResult;
  @Field(() => String, { nullable: true, description: `when DENIED: ${DENIAL_REASONS.join(", ")}` })
  reason: string | null;
  @Field(() => Ticket, { nullable: true }) ticket: Ticket | null;
  @Field(() => Int, { description: "visitors admitted to this event so far" }) admittedCount: number;
  @Field({ description: "when the code was scanned (for a synced scan, the gate's time)" }) at: Date;
  @Field(() => Date, { nullable: true, description: "when ALREADY_USED: when the use that stands was taken" }) firstUsedAt: Date | null;
  @Field(() => String, { nullable: true, description: "when ALREADY_USED: the gate that took the use that stands, if it gave its name" })
  firstUsedGate: string | null;
  @Field({ description: "a scan made offline and synced" }) offline: boolean;
  @Field(() => ID, { nullable: true, description: "the check-in list the gate scanned for" }) listId: string | null;
  @Field(() => Date, { nullable: true, description: "an admission its gate may undo (undoAdmission), until then" }) undoableUntil: Date | null;
  @Field(() => Date, { nullable: true, description: "when its gate undid it" }) undoneAt: Date | null;
  @Field({ description: "admitted by ticket id with the gate's key (a visitor without a phone)" }) byTicketId: boolean;
}

@ObjectType()
export class GateCount {
  @Field() gate: string;
  @Field(() => Int) admitted: number;
  @Field(() => Int) exited: number;
}

@ObjectType()
export class Attendance {
  @Field(() => ID) eventId: string;
  @Field(() => Int) ticketsIssued: number;
  @Field(() => Int, { description: "visitors: a ticket counts once per event day it was admitted on" }) admitted: number;
  @Field(() => Int, { description: "admitted minus exited, now" }) inside: number;
  @Field(() => [GateCount]) byGate: GateCount[];
  @Field(() => [CheckInListCount], { description: "per check-in list: the tickets admitted for it" }) byList: CheckInListCount[];
}

// simpleResolvers: plain fields under no middleware, read with GraphQL's own resolver (a snapshot page holds thousands).
@ObjectType({ description: "a device key that signs a ticket's compact rotating (T4) codes: a device of its holder", simpleResolvers: true })
export class RotatingKey {
  @Field(() => ID) deviceId: string;
  @Field({ description: "SubjectPublicKeyInfo DER, base64url" }) publicKey: string;
  @Field({ description: '"Ed25519" or "ES256"' }) algorithm: string;
  @Field(() => Int, { description: "the ticket's holder version whose holder registered the device" }) holderVersion: number;
}

@ObjectType({ simpleResolvers: true })
export class GateTicket {
  @Field(() => ID) ticketId: string;
  @Field(() => Int, { description: "codes of an older holder version are void (after an allotment)" }) holderVersion: number;
  @Field(() => Int) usesLeft: number;
  @Field() validFrom: Date;
  @Field() validUntil: Date;
  @Field(() => Int) usesAllowed: number;
  @Field(() => Int, { nullable: true }) minMinutesBetweenUses: number | null;
  @Field(() => Date, { nullable: true }) lastUsedAt: Date | null;
  @Field({ description: "admitted and not exited since" }) inside: boolean;
  @Field(() => String, { nullable: true, description: "shown on an offline gate's verdict, as the online one shows it" }) seat: string | null;
  @Field(() => [RotatingKey], { description: "the device keys that sign its rotating codes (T4): its holder's devices" }) rotatingKeys: RotatingKey[];
  @Field({ description: "the shop's number, for the gate's search offline" }) issueNumber: string;
  @Field(() => String, { nullable: true, description: "for the gate's search offline and its verdict" }) attendeeName: string | null;
  @Field(() => [ID], { description: "the check-in lists that name it" }) checkInListIds: string[];
}

@ObjectType()
export class GateSnapshot {
  @Field(() => ID) eventId: string;
  @Field({ description: "pass it as `since` to refresh; every page of a walk answers its first page's" }) asOf: Date;
  @Field(() => [String], { description: "PEM public keys that verify ticket codes" }) signingKeys: string[];
  @Field(() => [GateTicket]) tickets: GateTicket[];
  @Field(() => [ID]) revokedTicketIds: string[];
  @Field({ description: "a single-entry ticket may come back in after an exit" }) allowReentry: boolean;
  @Field(() => [CheckInList], { description: "the event's check-in lists, whole each time" }) checkInLists: CheckInList[];
  @Field(() => String, { nullable: true, description: "pass as `after` (with the same `since`) for the next page; null on the last" }) nextCursor: string | null;
}

@InputType()
export class OfflineScanInput {
  @Field() code: string;
  @Field() gate: string;
  @Field() scannedAt: Date;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) exit?: boolean | null;
  @Field(() => Date, { nullable: true, description: "the asOf of the snapshot the gate decided on: a rotating code is judged by the gate's clock within 10 minutes of it" })
  snapshotAsOf?: Date | null;
  @Field(() => ID, { nullable: true, description: "the check-in list the gate scanned for" }) listId?: string | null;
}

@InputType()
export class EventInput {
  @Field() title: string;
  @Field() venue: string;
  @Field() startsAt: Date;
  @Field() doorsOpenAt: Date;
  @Field(() => Int, { nullable: true, description: "default 60: ticket codes from one hour before doors open" })
  releaseMinutesBeforeDoors?: number | null;
  @Field(() => Boolean, { nullable: true, description: "default false: a single-entry ticket may come back in after an exit" })
  allowReentry?: boolean | null;
  @Field(() => Int, { nullable: true, description: "how many times a ticket may be passed on; default no limit, 0: never" })
  maxTransfers?: number | null;
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
  @Field(() => Int, { nullable: true, description: "a pass: a second use sooner is DENIED with reason TOO_SOON" })
  minMinutesBetweenUses?: number | null;
  @Field(() => String, { nullable: true, description: "the attendee's name, shown at the gate and found by its search" }) attendeeName?: string | null;
  @Field(() => [ID], { nullable: true, description: "check-in lists of the event that name this ticket" }) checkInListIds?: string[] | null;
}

@ObjectType({
  description:
    "A phone's rotating ticket: a credential naming the ticket (T4:). The phone shows a compact code of the ticket, the window and " +
    "its device's signature over them (clients/device-key.ts rotatingTicketCode, docs/signed-formats.md), a new code every periodSeconds, until expiresAt; gates take only a current one.",
})
export class RotatingTicket {
  @Field() credential: string;
  @Field(() => Int) periodSeconds: number;
  @Field() expiresAt: Date;
}
