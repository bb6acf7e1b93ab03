import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { TICKET_OFFER_STATUSES } from "../../entities/value-lists";
import { Event } from "./ticket.types";

export const TicketOfferStatus = Object.fromEntries(TICKET_OFFER_STATUSES.map((s) => [s, s])) as { readonly [K in (typeof TICKET_OFFER_STATUSES)[number]]: K };
export type TicketOfferStatus = (typeof TICKET_OFFER_STATUSES)[number];
registerEnumType(TicketOfferStatus, { name: "TicketOfferStatus" });

@ObjectType({ description: "a ticket offered to a phone number: it moves only when the receiver accepts" })
export class TicketOffer {
  @Field(() => ID) id: string;
  @Field(() => ID) ticketId: string;
  @Field(() => TicketOfferStatus) status: TicketOfferStatus;
  @Field(() => Event) event: Event;
  @Field(() => String, { nullable: true }) seat: string | null;
  @Field({ description: "the giver; masked for the receiver" }) fromPhone: string;
  @Field() toPhone: string;
  @Field({ description: "made to the caller (who may accept or decline) rather than by it (who may cancel)" }) incoming: boolean;
  @Field() createdAt: Date;
  @Field() expiresAt: Date;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
}
