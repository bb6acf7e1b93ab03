import { graphql, type ResultOf } from "./graphql";

/** Ticket shapes shared by the phone, gate and partner clients. */
export const EventFields = graphql(`fragment EventFields on Event { id title venue startsAt doorsOpenAt releaseMinutesBeforeDoors }`);

export type TicketEvent = ResultOf<typeof EventFields>;

export const TicketFields = graphql(
  `
  fragment TicketFields on Ticket {
    id issueNumber event { ...EventFields } seat attendeeName usesAllowed usesLeft validFrom validUntil holderPhone releasedAt
  }
`,
  [EventFields],
);

export type Ticket = ResultOf<typeof TicketFields>;

/** A ticket with what it shows beyond its row: its uses and its allotments as the caller may see them (a number the caller did not know is masked). */
export const TicketHistoryFields = graphql(
  `
  fragment TicketHistoryFields on Ticket {
    ...TicketFields minMinutesBetweenUses uses { at gate } transfers { fromPhone toPhone at takenBackAt }
  }
`,
  [TicketFields],
);

export type TicketHistory = ResultOf<typeof TicketHistoryFields>;
export type TicketUse = TicketHistory["uses"][number];
export type TicketTransfer = NonNullable<TicketHistory["transfers"]>[number];

/** A ticket offered to a phone number: it moves only when the receiver accepts (the giver's number masked for the receiver). */
export const TicketOfferFields = graphql(
  `
  fragment TicketOfferFields on TicketOffer {
    id ticketId status event { ...EventFields } seat fromPhone toPhone incoming createdAt expiresAt decidedAt
  }
`,
  [EventFields],
);

export type TicketOffer = ResultOf<typeof TicketOfferFields>;
