/**
 * The one decision a gate makes about a scanned ticket code, shared by the server
 * (src/services/tickets/admission.service.ts, which then takes the use with a conditional UPDATE
 * that checks the same conditions) and the offline gate client (clients/offline-gate.ts,
 * which decides from a snapshot). Pure: no database, no network, no server types.
 */

import { beyondOfflineTrust } from "./scan-time";

/** A gate's answer to a scan. A denial is an answer, not an error. */
export const ADMISSION_RESULTS = ["ADMITTED", "DENIED", "EXITED"] as const;
export type AdmissionResult = (typeof ADMISSION_RESULTS)[number];

/** Why a scan was DENIED. */
export const DENIAL_REASONS = ["ALREADY_USED", "NOT_YET_VALID", "EXPIRED", "WRONG_EVENT", "REVOKED", "INVALID", "TOO_SOON", "STALE", "NOT_ADMITTED", "NOT_ON_LIST"] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** What a ticket code says, in short keys to keep the QR small. */
export interface TicketClaims {
  /** signing key id, for rotation */
  k: string;
  /** ticket id */
  t: string;
  /** event id */
  e: string;
  /** holder version: moves on allotment, take-back and revocation */
  v: number;
  /** the ticket's validity window and the code's own expiry, Unix seconds */
  vf: number;
  vu: number;
  x: number;
  /** A rotating code's credential: the holder's device id, its public key (SPKI, base64url) and algorithm. */
  di?: string;
  d?: string;
  a?: "Ed25519" | "ES256";
  /** Set by the verifier: a rotating code shown outside its window (a screenshot). */
  stale?: boolean;
  /** Set by the verifier: a rotating code's window number. */
  w?: number;
}

/** What of a ticket the decision reads: the server's row, or a gate snapshot's entry. */
export interface TicketState {
  id: string;
  eventId: string;
  holderVersion: number;
  revoked: boolean;
  validFrom: Date;
  validUntil: Date;
  usesAllowed: number;
  usesLeft: number;
  /** A pass: a use sooner than this after the last one is TOO_SOON. */
  minMinutesBetweenUses: number | null;
  lastUsedAt: Date | null;
  /** Admitted and not exited since, after the latest movement by scan time. */
  inside: boolean;
  /**
   * The rotating-code windows that admitted it, as an offline gate knows them; the
   * server leaves this out and lets a unique index on its admissions decide.
   */
  usedWindows?: readonly number[];
  /** The check-in lists that name it (lists that take every ticket need not). */
  listIds?: readonly string[];
}

/** A check-in list's rule: every ticket of the event or only those it names, and when it admits. */
export interface CheckInListRule {
  id: string;
  allTickets: boolean;
  opensAt: Date | null;
  closesAt: Date | null;
}

/** How long the gate that admitted a visitor may undo it (a wrong ticket, a double tap). */
export const UNDO_MINUTES = 5;

/** A scan at a gate: what the code says, the ticket it names, and where and when it was shown. */
export interface Scan {
  /** The code's claims; null when its signature does not hold. */
  claims: TicketClaims | null;
  /** The ticket the claims name, if it is one of the gate's own shop; null otherwise. */
  ticket: TicketState | null;
  /** The event the gate admits to, and whether it lets a single-entry ticket back in after an exit. */
  eventId: string;
  allowReentry: boolean;
  /** A visitor leaving rather than entering. */
  exit: boolean;
  now: Date;
  /**
   * For a scan decided or made offline: the time both sides trust (the snapshot at the
   * offline gate, the upload at the server). A rotating code is judged by the gate's
   * clock only near it (clients/wire/scan-time.ts).
   */
  offlineSince?: Date | null;
  /** The check-in list the gate scans for (a day of a festival, a VIP area); none: the event's own entry. */
  list?: CheckInListRule | null;
}

/**
 * - DENIED with `wrongCode`: the code never was one of ours (a bad signature, no such
 *   ticket of this shop): INVALID, and it counts as guessing;
 * - ADMITTED with `takesUse`: the entry takes one use; without it, a re-entry after an
 *   exit on a single-entry ticket at an event that allows re-entry;
 * - EXITED: the holder leaves.
 */
export type Decision =
  | { result: "DENIED"; reason: DenialReason; wrongCode: boolean }
  | { result: "ADMITTED"; reason: null; takesUse: boolean }
  | { result: "EXITED"; reason: null };

const MINUTE_MS = 60_000;

const denied = (reason: DenialReason, wrongCode = false): Decision => ({ result: "DENIED", reason, wrongCode });

/**
 * The rules in order; the first that holds decides. An exit needs a genuine code of a
 * ticket of this event that was admitted at some time: a gate never keeps a visitor in
 * (whatever the clock, the holder or the revocation say), but a ticket never admitted
 * has no visitor inside to let out. Entries are checked for revocation, holder, time,
 * the check-in list (its tickets and its hours), uses, the rotating window and spacing.
 */
export function decideScan(scan: Scan): Decision {
  const { claims, ticket, now } = scan;
  if (!claims) return denied("INVALID", true);
  // A genuine code for another event: its ticket may be another shop's, which this gate
  // is not told about; no guessing either way.
  if (claims.e !== scan.eventId) return denied("WRONG_EVENT");
  if (!ticket || claims.t !== ticket.id) return denied("INVALID", true);
  if (ticket.eventId !== scan.eventId) return denied("WRONG_EVENT");
  if (scan.exit) return ticket.lastUsedAt === null ? denied("NOT_ADMITTED") : { result: "EXITED", reason: null };
  // A rotating code from an earlier window: a screenshot, not the holder's phone.
  if (claims.stale) return denied("STALE");
  if (claims.d && scan.offlineSince && beyondOfflineTrust(now, scan.offlineSince)) return denied("STALE");
  if (ticket.revoked) return denied("REVOKED");
  // A code from before an allotment or a take-back: the ticket has another holder now.
  if (claims.v !== ticket.holderVersion) return denied("INVALID");
  if (now < ticket.validFrom) return denied("NOT_YET_VALID");
  if (now >= ticket.validUntil || claims.x * 1000 <= now.getTime()) return denied("EXPIRED");
  const list = scan.list;
  if (list) {
    if (!list.allTickets && !ticket.listIds?.includes(list.id)) return denied("NOT_ON_LIST");
    if (list.opensAt && now < list.opensAt) return denied("NOT_YET_VALID");
    if (list.closesAt && now >= list.closesAt) return denied("EXPIRED");
  }
  // One window's code admits once: a second showing is a copy of the holder's screen.
  if (claims.w !== undefined && ticket.usedWindows?.includes(claims.w)) return denied("ALREADY_USED");
  if (ticket.usesLeft <= 0) {
    const mayReenter = scan.allowReentry && ticket.usesAllowed === 1 && !ticket.inside && ticket.lastUsedAt !== null;
    return mayReenter ? { result: "ADMITTED", reason: null, takesUse: false } : denied("ALREADY_USED");
  }
  if (tooSoon(ticket, now)) return denied("TOO_SOON");
  return { result: "ADMITTED", reason: null, takesUse: true };
}

/**
 * Within the pass's interval of its last use, on either side: scans synced from an
 * offline gate may arrive later than a use that followed them.
 */
export function tooSoon(ticket: Pick<TicketState, "minMinutesBetweenUses" | "lastUsedAt">, now: Date): boolean {
  const { minMinutesBetweenUses: minutes, lastUsedAt } = ticket;
  return Boolean(minutes && lastUsedAt && Math.abs(now.getTime() - lastUsedAt.getTime()) < minutes * MINUTE_MS);
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
  TOO_SOON: true,
  STALE: false,
  NOT_ADMITTED: true,
  NOT_ON_LIST: true,
  WRONG_EVENT: false,
  INVALID: false,
};

export const showsTicket = (denied: DenialReason | null): boolean => denied === null || TICKET_SHOWN[denied];

/** The state after a decision, as an offline gate keeps it between its own scans (made in time order); `window`: a rotating code's. */
export function afterDecision(ticket: TicketState, decision: Decision, now: Date, window?: number): TicketState {
  if (decision.result === "EXITED") return { ...ticket, inside: false };
  if (decision.result !== "ADMITTED") return ticket;
  const usedWindows = window === undefined ? ticket.usedWindows : [...(ticket.usedWindows ?? []), window];
  if (!decision.takesUse) return { ...ticket, inside: true, usedWindows };
  const lastUsedAt = ticket.lastUsedAt && ticket.lastUsedAt > now ? ticket.lastUsedAt : now;
  return { ...ticket, usesLeft: ticket.usesLeft - 1, lastUsedAt, inside: true, usedWindows };
}
