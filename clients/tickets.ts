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

/** One use of a ticket: when and at which gate it was admitted. */
export interface TicketUse {
  at: DateTime;
  gate: string | null;
}

/** One allotment; a number the caller did not know is masked. */
export interface TicketTransfer {
  fromPhone: string;
  toPhone: string;
  at: DateTime;
  takenBackAt: DateTime | null;
}

/** A ticket with what it shows beyond its row: its uses and its allotments as the caller may see them. */
export interface TicketHistory extends Ticket {
  minMinutesBetweenUses: number | null;
  uses: TicketUse[];
  transfers: TicketTransfer[] | null;
}

export const TICKET_HISTORY_FIELDS = `${TICKET_FIELDS} minMinutesBetweenUses uses { at gate } transfers { fromPhone toPhone at takenBackAt }`;
