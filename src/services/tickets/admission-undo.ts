import type { Tx } from "../../database";
import { AdmissionEntity } from "../../entities";
import { UNDO_MINUTES } from "../../../clients/wire/admission-rules";
import { byId, sql, type Sql } from "../kernel/status-table";
import { TICKET_MOVES } from "./ticket-states";
import { insideNow, type TallyMoves } from "./tallies";

/**
 * Undoing an admission (AdmissionService.undoAdmission): the one conditional UPDATE that
 * decides, and what follows it in the same transaction.
 */

/**
 * The admission is ADMITTED, not undone yet, made by this gate's key, scanned within
 * UNDO_MINUTES: it takes no use and counts nothing from now on, and its rotating window
 * is free again. Its visitDay stays: set only on an admission that took a use, it says
 * whether a use is to come back.
 */
export const undoUpdate = (admissionId: string, gateKeyId: string, now: Date): Sql =>
  sql(`UPDATE admissions SET undoneAt = ?, tookUse = 0, countsVisitor = 0, codeWindow = NULL WHERE ${UNDOABLE}`, now, ...undoable(admissionId, gateKeyId, now));

/**
 * Run before undoUpdate, on its conditions: stops the admission counting a visitor, and
 * its affected rows say whether it counted one (the visitors' tally, tallies.ts).
 */
export const uncountVisitorUpdate = (admissionId: string, gateKeyId: string, now: Date): Sql =>
  sql(`UPDATE admissions SET countsVisitor = 0 WHERE ${UNDOABLE} AND countsVisitor = 1`, ...undoable(admissionId, gateKeyId, now));

const UNDOABLE = "id = ? AND gateKeyId = ? AND result = 'ADMITTED' AND undoneAt IS NULL AND at >= ?";
const undoable = (admissionId: string, gateKeyId: string, now: Date) => [admissionId, gateKeyId, new Date(now.getTime() - UNDO_MINUTES * 60_000)];

/**
 * The undone admission's use back to its ticket (the ticket table's giveBack; a re-entry
 * took none, so the holder is only out again), and its day's visitor to another
 * admission of that day still standing; the tallies these move go to `moves`. Read
 * after the ticket's lock, which waits for a scan of the ticket in flight (on MySQL), so
 * such a scan is seen.
 */
export async function giveBackUse(tx: Tx, undone: AdmissionEntity, now: Date, isMysql: boolean, moves: TallyMoves): Promise<void> {
  const ticketId = undone.ticketId!;
  // The holder may be out again: `inside` read before and after (locked on MySQL) says how its tally moves.
  const insideBefore = await insideNow(tx, ticketId, isMysql);
  if (undone.visitDay === null) {
    await tx.write("UPDATE tickets SET inside = CASE WHEN movedAt = ? THEN 0 ELSE inside END, updatedAt = ? WHERE id = ?", [undone.at, now, ticketId]);
    moves.gate(undone.gate, { inside: (await insideNow(tx, ticketId, isMysql)) - insideBefore });
    return;
  }
  const giveBack = TICKET_MOVES.update("giveBack", byId(ticketId), { at: undone.at, now });
  await tx.write(giveBack.sql, giveBack.params);
  moves.gate(undone.gate, { inside: (await insideNow(tx, ticketId, isMysql)) - insideBefore });
  const lock = isMysql ? { mode: "pessimistic_write" as const } : undefined;
  const sameDay = await tx.find(AdmissionEntity, { where: { ticketId, visitDay: undone.visitDay, tookUse: 1 }, order: { at: "ASC", id: "ASC" }, lock });
  if (sameDay.length > 0 && !sameDay.some((a) => a.countsVisitor === 1)) {
    moves.gate(sameDay[0].gate, { visitors: await tx.write("UPDATE admissions SET countsVisitor = 1 WHERE id = ? AND countsVisitor = 0", [sameDay[0].id]) });
  }
}
