import type { EventEntity, TicketEntity } from "../../entities";
import type { TicketState } from "../../../clients/wire/admission-rules";

/**
 * The gate's rules live in clients/wire/admission-rules.ts, one decision shared with the
 * offline gate client, so a gate without network decides as the server does. Here: how
 * the server's rows become that decision's input.
 */
export {
  ADMISSION_RESULTS,
  DENIAL_REASONS,
  decideScan,
  showsTicket,
  tooSoon,
  type AdmissionResult,
  type Decision,
  type DenialReason,
  type Scan,
  type TicketState,
} from "../../../clients/wire/admission-rules";

/** A ticket row as the decision reads it; null when it is not the gate's own shop's. */
export function ticketStateOf(ticket: TicketEntity | null, partnerId: string): TicketState | null {
  if (!ticket || ticket.partnerId !== partnerId) return null;
  return {
    id: ticket.id,
    eventId: ticket.eventId,
    holderVersion: ticket.holderVersion,
    revoked: ticket.revokedAt !== null,
    validFrom: ticket.validFrom,
    validUntil: ticket.validUntil,
    usesAllowed: ticket.usesAllowed,
    usesLeft: ticket.usesLeft,
    minMinutesBetweenUses: ticket.minMinutesBetweenUses,
    lastUsedAt: ticket.lastUsedAt,
    inside: ticket.inside === 1,
  };
}

export const allowsReentry = (event: EventEntity): boolean => event.allowReentry === 1;
