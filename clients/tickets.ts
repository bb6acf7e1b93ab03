import { graphql, type ResultOf } from "./graphql";

/** Ticket shapes shared by the phone, gate and partner clients. */
export const EventFields = graphql(`fragment EventFields on Event { id title venue startsAt doorsOpenAt releaseMinutesBeforeDoors }`);

export type TicketEvent = ResultOf<typeof EventFields>;

export const TicketFields = graphql(
  `
  fragment TicketFields on Ticket {
    id issueNumber event { ...EventFields } seat usesAllowed usesLeft validFrom validUntil holderPhone releasedAt
  }
`,
  [EventFields],
);

export type Ticket = ResultOf<typeof TicketFields>;
