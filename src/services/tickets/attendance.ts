import type { EntityManager } from "typeorm";
import type { EventEntity } from "../../entities";

const DAY_MS = 86_400_000;

/**
 * How an event's gates are counted, read from the admission and ticket rows with indexed
 * COUNTs; no row is shared by every gate's writes (a counter on the event would be one,
 * and on a multi-primary cluster every admission would then conflict with every other).
 *
 *   - admitted: visitors, not uses. A ticket counts once per event day it was admitted
 *     on (event day: whole 24 hours since doors opened), so a three-day pass used on
 *     three days is one visitor each day, and a re-entry or a second use on the same day
 *     is no new visitor. Each admission that counts one is marked (`countsVisitor`).
 *   - inside: tickets whose holder is in now, after the latest movement by scan time
 *     (admitted and not exited since); one per ticket however many uses it took.
 *   - byGate: passages per gate: every entry admitted (re-entries too) and every exit.
 *     A gate without a name is "". An admission its gate undid is no passage.
 */
export const eventDayOf = (event: Pick<EventEntity, "doorsOpenAt">, at: Date): number => Math.floor((at.getTime() - event.doorsOpenAt.getTime()) / DAY_MS);

export async function admittedVisitors(m: EntityManager, eventId: string): Promise<number> {
  const [row] = await m.query("SELECT COUNT(*) AS n FROM admissions WHERE eventId = ? AND countsVisitor = 1 AND result = 'ADMITTED'", [eventId]);
  return Number(row.n);
}

export async function visitorsInside(m: EntityManager, eventId: string): Promise<number> {
  const [row] = await m.query("SELECT COUNT(*) AS n FROM tickets WHERE eventId = ? AND inside = 1", [eventId]);
  return Number(row.n);
}

export interface GateCount {
  gate: string;
  admitted: number;
  exited: number;
}

export async function passagesByGate(m: EntityManager, eventId: string): Promise<GateCount[]> {
  const rows: Array<{ gate: string | null; result: string; n: number | string }> = await m.query(
    "SELECT gate, result, COUNT(*) AS n FROM admissions WHERE eventId = ? AND result IN ('ADMITTED', 'EXITED') AND undoneAt IS NULL GROUP BY gate, result",
    [eventId],
  );
  const byGate = new Map<string, GateCount>();
  for (const { gate, result, n } of rows) {
    const name = gate ?? "";
    const count = byGate.get(name) ?? { gate: name, admitted: 0, exited: 0 };
    if (result === "ADMITTED") count.admitted += Number(n);
    else count.exited += Number(n);
    byGate.set(name, count);
  }
  return [...byGate.values()].sort((a, b) => a.gate.localeCompare(b.gate));
}
