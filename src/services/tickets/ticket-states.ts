import { StatusTable, sql, type Move } from "../kernel/status-table";

/**
 * A ticket's statuses and every move between them: USABLE with a use left, USED_UP with
 * none, and REVOKED by its shop. A gate's scan takes a use; a holder passes an unused
 * ticket on (an allotment, or taking it back); the shop revokes it. Whether a scan may take a use is decided by the one rule shared
 * with the offline gate (clients/wire/admission-rules.ts); this table is how the server takes
 * it, with the same conditions checked again by the UPDATE, so of several gates scanning
 * one code at once exactly one takes each use.
 */
export const TICKET_STATUSES = ["USABLE", "USED_UP", "REVOKED"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A holder passing an unused ticket on: to whom, from the holder version its reader saw. */
export interface Passing {
  toPhone: string;
  version: number;
  now: Date;
  /** The receiver's name for the gate, when an accepted offer gives one; null clears it; absent keeps it. */
  attendeeName?: string | null;
}

/** A scan's movement: when it was scanned (`at`) and recorded (`now`), for the code of holder version `version`. */
export interface Scanned {
  at: Date;
  now: Date;
  version: number;
}

interface Use extends Scanned {
  /** The pass's least interval between uses, in ms; 0 for none. */
  spacingMs: number;
}

/** The latest movement by scan time sets whether the holder is inside, so out-of-order synced scans leave it as the latest says. */
const LATEST = "(movedAt IS NULL OR movedAt <= ?)";

/** The code's holder is still the ticket's: an allotment or a take-back since makes the code another holder's. */
const holder = ({ version }: { version: number }) => sql("holderVersion = ?", version);

export const TICKET_MOVES = new StatusTable({
  noun: "ticket",
  table: "tickets",
  statuses: TICKET_STATUSES,
  status: {
    derived: {
      USABLE: () => sql("revokedAt IS NULL AND usesLeft > 0"),
      USED_UP: () => sql("revokedAt IS NULL AND usesLeft = 0"),
      REVOKED: () => sql("revokedAt IS NOT NULL"),
    },
  },
  moves: {
    // An entry takes a use (the last one leaves the ticket USED_UP); a pass's use is
    // refused within its interval of the last use, on either side (TOO_SOON).
    use: {
      from: ["USABLE"],
      to: ["USABLE", "USED_UP"],
      also: (scan) => {
        const { at, spacingMs } = scan;
        const tooSoon = sql("(? = 0 OR lastUsedAt IS NULL OR lastUsedAt <= ? OR lastUsedAt >= ?)", spacingMs, new Date(at.getTime() - spacingMs), new Date(at.getTime() + spacingMs));
        return sql(`${holder(scan).sql} AND ${tooSoon.sql}`, ...holder(scan).params, ...tooSoon.params);
      },
      set: ({ at, now }) => [
        sql("usesLeft = usesLeft - 1"),
        sql("lastUsedAt = CASE WHEN lastUsedAt IS NULL OR lastUsedAt < ? THEN ? ELSE lastUsedAt END", at, at),
        sql(`inside = CASE WHEN ${LATEST} THEN 1 ELSE inside END`, at),
        sql("updatedAt = ?", now),
        sql(`movedAt = CASE WHEN ${LATEST} THEN ? ELSE movedAt END`, at, at),
      ],
    } as Move<TicketStatus, Use>,
    // A single-entry ticket, used and let out, comes back in at an event that allows
    // re-entry: no use is taken, and only the latest movement may bring it in.
    reenter: {
      from: ["USED_UP"],
      to: ["USED_UP"],
      also: (scan) => sql(`usesAllowed = 1 AND inside = 0 AND lastUsedAt IS NOT NULL AND ${holder(scan).sql} AND ${LATEST}`, ...holder(scan).params, scan.at),
      set: ({ at, now }) => [sql("inside = 1"), sql("updatedAt = ?", now), sql("movedAt = ?", at)],
    } as Move<TicketStatus, Scanned>,
    // An unused ticket goes to another phone (an allotment, or the giver taking it back):
    // the holder version moves, so every code of the holder before stops working. Only
    // while no use is taken, judged by the same UPDATE, so a gate admitting it at the same
    // instant wins or loses whole.
    // The attendee's name goes with the holder: the receiver's, when given (an accepted offer), or none.
    pass: {
      from: ["USABLE"],
      to: ["USABLE"],
      also: (passing) => sql(`usesLeft = usesAllowed AND ${holder(passing).sql}`, ...holder(passing).params),
      set: ({ toPhone, now, attendeeName }) => [
        sql("holderPhone = ?", toPhone),
        sql("holderVersion = holderVersion + 1"),
        sql("updatedAt = ?", now),
        ...(attendeeName === undefined ? [] : [sql("attendeeName = ?", attendeeName)]),
      ],
    } as Move<TicketStatus, Passing>,
    // The gate that admitted a visitor undoes it within minutes (admission.service.ts
    // undoAdmission): the use comes back, the last use is the latest still standing (the
    // undone admission's use is already given up), and the holder is out again when that
    // admission was the latest movement.
    giveBack: {
      from: ["USABLE", "USED_UP"],
      to: ["USABLE"],
      also: () => sql("usesLeft < usesAllowed"),
      set: ({ at, now }) => [
        sql("usesLeft = usesLeft + 1"),
        sql("lastUsedAt = (SELECT MAX(a.at) FROM admissions a WHERE a.ticketId = tickets.id AND a.tookUse = 1)"),
        sql("inside = CASE WHEN movedAt = ? THEN 0 ELSE inside END", at),
        sql("updatedAt = ?", now),
      ],
    } as Move<TicketStatus, { at: Date; now: Date }>,
    // The shop withdraws it, used or not: its codes stop working (the holder version moves too).
    revoke: {
      from: ["USABLE", "USED_UP"],
      to: ["REVOKED"],
      set: ({ now }) => [sql("revokedAt = ?", now), sql("updatedAt = ?", now), sql("holderVersion = holderVersion + 1")],
    } as Move<TicketStatus, { now: Date }>,
  },
});
