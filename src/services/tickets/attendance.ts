import type { EntityManager } from "typeorm";
import type { EventEntity } from "../../entities";
import { listsOf, type CheckInListCount } from "./check-in-lists";

const DAY_MS = 86_400_000;

/**
 * How an event's gates are counted. The figures are running tallies (tallies.ts), moved
 * in the transaction of every change that moves them, so reading them costs a handful of
 * indexed rows however big the event; recount.ts counts the same from the rows.
 *
 *   - admitted: visitors, not uses. A ticket counts once per event day it was admitted
 *     on (event day: whole 24 hours since doors opened), so a three-day pass used on
 *     three days is one visitor each day, and a re-entry or a second use on the same day
 *     is no new visitor. Each admission that counts one is marked (`countsVisitor`).
 *   - inside: tickets whose holder is in now, after the latest movement by scan time
 *     (admitted and not exited since); one per ticket however many uses it took.
 *   - byGate: passages per gate: every entry admitted (re-entries too) and every exit.
 *     A gate without a name is "". An admission its gate undid is no passage.
 *   - byList: per check-in list, the tickets admitted for it (each once), not undone.
 */
export const eventDayOf = (event: Pick<EventEntity, "doorsOpenAt">, at: Date): number => Math.floor((at.getTime() - event.doorsOpenAt.getTime()) / DAY_MS);

export interface GateCount {
  gate: string;
  admitted: number;
  exited: number;
}

export interface AttendanceFigures {
  ticketsIssued: number;
  admitted: number;
  inside: number;
  byGate: GateCount[];
  byList: CheckInListCount[];
}

interface GateRow {
  gate: string;
  visitors: number | string;
  admitted: number | string;
  exited: number | string;
  inside: number | string;
}

/** Visitors admitted to the event so far: its gates' tallies summed. */
export async function admittedVisitors(m: EntityManager, eventId: string): Promise<number> {
  const [row] = await m.query("SELECT COALESCE(SUM(visitors), 0) AS n FROM gate_tallies WHERE eventId = ?", [eventId]);
  return Number(row.n);
}

/** The event's figures from its tallies: one event row, a row per gate, a row per list. */
export async function attendanceOf(m: EntityManager, eventId: string): Promise<AttendanceFigures> {
  const [issuedRows, gateRows, listRows, lists] = await Promise.all([
    m.query("SELECT ticketsIssued FROM event_tallies WHERE eventId = ?", [eventId]) as Promise<Array<{ ticketsIssued: number | string }>>,
    m.query("SELECT gate, visitors, admitted, exited, inside FROM gate_tallies WHERE eventId = ?", [eventId]) as Promise<GateRow[]>,
    m.query("SELECT listId, admitted FROM list_tallies WHERE eventId = ?", [eventId]) as Promise<Array<{ listId: string; admitted: number | string }>>,
    listsOf(m, eventId),
  ]);
  const sum = (field: "visitors" | "inside") => gateRows.reduce((n, r) => n + Number(r[field]), 0);
  const byGate = gateRows
    .map((r) => ({ gate: r.gate, admitted: Number(r.admitted), exited: Number(r.exited) }))
    // A gate whose passages were all undone, or that only turned visitors away, has none to show.
    .filter((g) => g.admitted !== 0 || g.exited !== 0)
    .sort((a, b) => a.gate.localeCompare(b.gate));
  const perList = new Map(listRows.map((r) => [r.listId, Number(r.admitted)]));
  return {
    ticketsIssued: Number(issuedRows[0]?.ticketsIssued ?? 0),
    admitted: sum("visitors"),
    inside: sum("inside"),
    byGate,
    byList: lists.map((l) => ({ listId: l.id, name: l.name, admitted: perList.get(l.id) ?? 0 })),
  };
}
