import type { TicketEntity } from "../entities";
import type { TicketClaims } from "./crypto/ticket-signer";

/** A gate's answer to a scanned ticket code. A denial is an answer, not an error. */
export const ADMISSION_RESULTS = ["ADMITTED", "DENIED"] as const;
export type AdmissionResult = (typeof ADMISSION_RESULTS)[number];

/** Why a scan was DENIED. */
export const DENIAL_REASONS = ["ALREADY_USED", "NOT_YET_VALID", "EXPIRED", "WRONG_EVENT", "REVOKED", "INVALID"] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** What of a ticket the rules read. */
export type ScannedTicket = Pick<TicketEntity, "id" | "partnerId" | "eventId" | "holderVersion" | "revokedAt" | "validFrom" | "validUntil">;

/** A scan at a gate: what the code says, the ticket it names, and where and when it was shown. */
export interface Scan {
  /** The code's claims; null when its signature does not hold. */
  claims: TicketClaims | null;
  /** The ticket the claims name; null when there is none. */
  ticket: ScannedTicket | null;
  /** The gate's partner, and the event it admits to. */
  partnerId: string;
  eventId: string;
  now: Date;
}

/** A scan of a genuine code for a ticket of the gate's own partner. */
interface OwnScan extends Scan {
  claims: TicketClaims;
  ticket: ScannedTicket;
}

/**
 * After the code is found to be genuine and the gate's partner's, the denial rules in
 * order: the first that holds denies the scan.
 */
const DENIAL_RULES: ReadonlyArray<{ reason: DenialReason; when: (scan: OwnScan) => boolean }> = [
  { reason: "WRONG_EVENT", when: ({ claims, ticket, eventId }) => claims.e !== eventId || ticket.eventId !== eventId },
  { reason: "REVOKED", when: ({ ticket }) => Boolean(ticket.revokedAt) },
  // A code from before an allotment: the ticket has another holder now.
  { reason: "INVALID", when: ({ claims, ticket }) => claims.v !== ticket.holderVersion },
  { reason: "NOT_YET_VALID", when: ({ ticket, now }) => now < ticket.validFrom },
  { reason: "EXPIRED", when: ({ claims, ticket, now }) => now >= ticket.validUntil || claims.x * 1000 <= now.getTime() },
];

/**
 * What the rules decide before the database is asked:
 *   - `denied` with `wrongCode`: the code never was one of ours (a bad signature, no
 *     such ticket, another partner's ticket): INVALID, and it counts as guessing;
 *   - `denied`: the first denial rule that holds;
 *   - `admissible`: no rule denies it. The admission then takes one use with a
 *     conditional UPDATE (right holder version, not revoked, a use left); when that
 *     changes nothing, another gate took the last use first: ALREADY_USED.
 */
export type Judgement =
  | { denied: DenialReason; wrongCode: boolean }
  | { denied: null; claims: TicketClaims; ticket: ScannedTicket };

export function judgeScan(scan: Scan): Judgement {
  const { claims, ticket } = scan;
  if (!claims || !ticket || ticket.partnerId !== scan.partnerId) return { denied: "INVALID", wrongCode: true };
  const rule = DENIAL_RULES.find(({ when }) => when({ ...scan, claims, ticket }));
  return rule ? { denied: rule.reason, wrongCode: false } : { denied: null, claims, ticket };
}

/**
 * Whether a denied gate is shown the ticket: yes for a holder's own code at the wrong
 * moment; no for a code that is not (or no longer) the holder's, or for another event.
 */
const TICKET_SHOWN: Record<DenialReason, boolean> = {
  ALREADY_USED: true,
  NOT_YET_VALID: true,
  EXPIRED: true,
  REVOKED: true,
  WRONG_EVENT: false,
  INVALID: false,
};

export const showsTicket = (denied: DenialReason | null): boolean => denied === null || TICKET_SHOWN[denied];
