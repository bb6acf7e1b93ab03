import type { EventEntity, TicketEntity } from "../../entities";
import type { MembershipView } from "../members/membership.service";

/** One line of a pass: a label key (pass-words.ts has its words) and a value shown as is. */
export interface PassField {
  key: string;
  label: PassLabel;
  value: string | number;
  /** A date or time, shown in the phone's own format. */
  date?: boolean;
}

export type PassLabel = "EVENT" | "VENUE" | "STARTS" | "SEAT" | "STATUS" | "USES_LEFT" | "VALID_UNTIL" | "MEMBER_NUMBER" | "POINTS" | "EXPIRING_SOON" | "NEXT_EXPIRY" | "PROGRAM";

/** What a ticket's or a membership's pass says, the same in Apple's and Google's Wallet. */
export interface PassFace {
  kind: "TICKET" | "MEMBERSHIP";
  title: string;
  primary: PassField[];
  secondary: PassField[];
  auxiliary: PassField[];
  back: PassField[];
  /** The barcode's text; null when the pass admits nothing (voided). */
  barcode: string | null;
  /** The pass no longer admits: Wallet greys it out and moves it among its expired passes. */
  voided: boolean;
  relevantDate: Date | null;
  expiresAt: Date | null;
}

/** Why a ticket's pass admits nothing, as its status line says. */
export type TicketPassStatus = "VALID" | "GIVEN_AWAY" | "REVOKED" | "USED";

/**
 * A ticket's pass for the customer whose phone is `holderPhone`: while that phone holds
 * the ticket and a use is left, it carries `code` (a static T3 code of the current holder
 * version, docs/passes.md); given away, revoked or used, it is voided and carries none.
 */
export function ticketFace(ticket: TicketEntity, event: EventEntity, holderPhone: string, code: () => string): PassFace {
  const status: TicketPassStatus = ticket.revokedAt ? "REVOKED" : ticket.holderPhone !== holderPhone ? "GIVEN_AWAY" : ticket.usesLeft === 0 ? "USED" : "VALID";
  const voided = status !== "VALID";
  return {
    kind: "TICKET",
    title: event.title,
    primary: [{ key: "event", label: "EVENT", value: event.title }],
    secondary: [
      { key: "starts", label: "STARTS", value: event.startsAt.toISOString(), date: true },
      { key: "venue", label: "VENUE", value: event.venue },
    ],
    auxiliary: [
      ...(ticket.seat ? [{ key: "seat", label: "SEAT" as const, value: ticket.seat }] : []),
      { key: "status", label: "STATUS", value: status },
      ...(ticket.usesAllowed > 1 && !voided ? [{ key: "usesLeft", label: "USES_LEFT" as const, value: ticket.usesLeft }] : []),
    ],
    back: [{ key: "validUntil", label: "VALID_UNTIL", value: ticket.validUntil.toISOString(), date: true }],
    barcode: voided ? null : code(),
    voided,
    relevantDate: event.doorsOpenAt,
    expiresAt: ticket.validUntil,
  };
}

/** A member card: the member number (as the barcode too) and the points as they are now. */
export function membershipFace(view: MembershipView): PassFace {
  return {
    kind: "MEMBERSHIP",
    title: view.programName,
    primary: [{ key: "points", label: "POINTS", value: view.points }],
    secondary: [{ key: "memberNumber", label: "MEMBER_NUMBER", value: view.memberNumber }],
    auxiliary: [
      { key: "expiringSoon", label: "EXPIRING_SOON", value: view.pointsExpiringSoon },
      ...(view.nextExpiry ? [{ key: "nextExpiry", label: "NEXT_EXPIRY" as const, value: view.nextExpiry.toISOString(), date: true }] : []),
    ],
    back: [{ key: "program", label: "PROGRAM", value: view.programName }],
    barcode: view.memberNumber,
    voided: false,
    relevantDate: null,
    expiresAt: null,
  };
}
