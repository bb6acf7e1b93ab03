import type { DateTime } from "./common";

/** Ticket shapes shared by the phone, gate and partner clients. */
export interface TicketEvent {
  id: string;
  title: string;
  venue: string;
  startsAt: DateTime;
  doorsOpenAt: DateTime;
  releaseMinutesBeforeDoors: number;
}

export interface Ticket {
  id: string;
  issueNumber: string;
  event: TicketEvent;
  seat: string | null;
  usesAllowed: number;
  usesLeft: number;
  validFrom: DateTime;
  validUntil: DateTime;
  holderPhone: string;
  releasedAt: DateTime;
}

export const EVENT_FIELDS = `id title venue startsAt doorsOpenAt releaseMinutesBeforeDoors`;
export const TICKET_FIELDS = `id issueNumber event { ${EVENT_FIELDS} } seat usesAllowed usesLeft validFrom validUntil holderPhone releasedAt`;
