import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Bill } from "../bills/bill.types";
import { Ticket } from "../tickets/ticket.types";
import { TICKET_STATUSES, type TicketStatus as Status } from "../../services/tickets/ticket-states";
import { BillStatus, PaymentStatus } from "../enums";

@InputType({ description: "a store's payments: every field narrows; none, every payment newest first" })
export class PaymentSearchInput {
  @Field(() => String, { nullable: true, description: "the sale's reference, exactly" }) reference?: string | null;
  @Field(() => [PaymentStatus], { nullable: true }) statuses?: PaymentStatus[] | null;
  @Field(() => Int, { nullable: true, description: "minor units, inclusive" }) minAmount?: number | null;
  @Field(() => Int, { nullable: true, description: "minor units, inclusive" }) maxAmount?: number | null;
  @Field(() => Date, { nullable: true, description: "created at or after" }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: "created before" }) to?: Date | null;
}

@InputType({ description: "a biller's bills: every field narrows; none, every bill newest first" })
export class BillSearchInput {
  @Field(() => String, { nullable: true, description: "the bill's reference, exactly" }) reference?: string | null;
  @Field(() => BillStatus, { nullable: true }) status?: BillStatus | null;
  @Field(() => Int, { nullable: true, description: "minor units, inclusive" }) minAmount?: number | null;
  @Field(() => Int, { nullable: true, description: "minor units, inclusive" }) maxAmount?: number | null;
  @Field(() => Date, { nullable: true, description: "posted at or after" }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: "posted before" }) to?: Date | null;
}

@ObjectType()
export class BillConnection {
  @Field(() => [Bill]) nodes: Bill[];
  @Field(() => String, { nullable: true, description: "pass as `after` for the next page; null on the last" }) nextCursor: string | null;
}

export const TicketStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, s])) as { [K in Status]: K };
registerEnumType(TicketStatus, { name: "TicketStatus", description: "USABLE: uses left; USED_UP: none left; REVOKED: by its shop" });

@InputType({ description: "a ticket shop's tickets: every field narrows; none, every ticket newest first" })
export class TicketSearchInput {
  @Field(() => String, { nullable: true, description: "the shop's own number, exactly" }) issueNumber?: string | null;
  @Field(() => ID, { nullable: true }) eventId?: string | null;
  @Field(() => TicketStatus, { nullable: true }) status?: Status | null;
  @Field(() => Date, { nullable: true, description: "posted at or after" }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: "posted before" }) to?: Date | null;
}

@ObjectType()
export class TicketConnection {
  @Field(() => [Ticket]) nodes: Ticket[];
  @Field(() => String, { nullable: true, description: "pass as `after` for the next page; null on the last" }) nextCursor: string | null;
}
