import { IsNull, type EntityManager } from "typeorm";
import { TicketEntity } from "../../entities";
import type { AttendanceFigures, GateCount } from "./attendance";
import { listsOf } from "./check-in-lists";

/**
 * An event's attendance counted from its ticket and admission rows, as it was before the
 * running tallies (tallies.ts): what the tallies must always equal. Reads every row of
 * the event, so nothing on a request's path calls it; the tests hold the tallies to it,
 * and the migration that made the tallies filled them by the same counts.
 */
export async function recountAttendance(m: EntityManager, eventId: string): Promise<AttendanceFigures> {
  const [ticketsIssued, admitted, inside, byGate, byList] = await Promise.all([
    m.countBy(TicketEntity, { eventId, revokedAt: IsNull() }),
    count(m, "SELECT COUNT(*) AS n FROM admissions WHERE eventId = ? AND countsVisitor = 1 AND result = 'ADMITTED'", eventId),
    count(m, "SELECT COUNT(*) AS n FROM tickets WHERE eventId = ? AND inside = 1", eventId),
    passagesByGate(m, eventId),
    admittedByList(m, eventId),
  ]);
  return { ticketsIssued, admitted, inside, byGate, byList };
}

async function count(m: EntityManager, sql: string, eventId: string): Promise<number> {
  const [row] = await m.query(sql, [eventId]);
  return Number(row.n);
}

async function passagesByGate(m: EntityManager, eventId: string): Promise<GateCount[]> {
  const rows: Array<{ gate: string | null; result: string; n: number | string }> = await m.query(
    "SELECT gate, result, COUNT(*) AS n FROM admissions WHERE eventId = ? AND result IN ('ADMITTED', 'EXITED') AND undoneAt IS NULL GROUP BY gate, result",
    [eventId],
  );
  const byGate = new Map<string, GateCount>();
  for (const { gate, result, n } of rows) {
    const name = gate ?? "";
    const c = byGate.get(name) ?? { gate: name, admitted: 0, exited: 0 };
    if (result === "ADMITTED") c.admitted += Number(n);
    else c.exited += Number(n);
    byGate.set(name, c);
  }
  return [...byGate.values()].sort((a, b) => a.gate.localeCompare(b.gate));
}

async function admittedByList(m: EntityManager, eventId: string) {
  const lists = await listsOf(m, eventId);
  if (lists.length === 0) return [];
  const rows: Array<{ listId: string; n: number | string }> = await m.query(
    "SELECT listId, COUNT(DISTINCT ticketId) AS n FROM admissions WHERE eventId = ? AND listId IS NOT NULL AND result = 'ADMITTED' AND undoneAt IS NULL GROUP BY listId",
    [eventId],
  );
  const counts = new Map(rows.map((r) => [r.listId, Number(r.n)]));
  return lists.map((l) => ({ listId: l.id, name: l.name, admitted: counts.get(l.id) ?? 0 }));
}
