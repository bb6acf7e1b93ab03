import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, int, str } from "./table-columns";

/**
 * Attendance read from running tallies rather than counted on every call (an event of
 * 50,000 tickets read ~126,000 rows a call): the event's tickets issued, each gate's
 * part (visitors, entries, exits, holders let in less let out) and each check-in list's
 * tickets admitted (services/tickets/tallies.ts). Filled from the rows as they are, by
 * the counts attendance made until now (services/tickets/recount.ts), so an upgraded
 * database answers the same figures; the holders inside, known per ticket and not per
 * gate, go to the unnamed gate's part (only their sum means anything).
 */
const counter = (name: string) => int(name, false, 0);
const TABLES = [
  new Table({ name: "event_tallies", columns: [{ ...id("eventId"), isPrimary: true }, counter("ticketsIssued")] }),
  new Table({
    name: "gate_tallies",
    columns: [{ ...id("eventId"), isPrimary: true }, { ...str("gate", 50), isPrimary: true }, counter("visitors"), counter("admitted"), counter("exited"), counter("inside")],
  }),
  new Table({ name: "list_tallies", columns: [{ ...id("eventId"), isPrimary: true }, { ...id("listId"), isPrimary: true }, counter("admitted")] }),
];

/** The tallies counted from the rows, into empty tally tables (also bench/scale's seed, after it writes rows directly). */
export const ATTENDANCE_TALLY_FILL = [
  "INSERT INTO event_tallies (eventId, ticketsIssued) SELECT eventId, SUM(CASE WHEN revokedAt IS NULL THEN 1 ELSE 0 END) FROM tickets GROUP BY eventId",
  `INSERT INTO gate_tallies (eventId, gate, visitors, admitted, exited, inside)
   SELECT eventId, gate, SUM(visitors), SUM(admitted), SUM(exited), SUM(inside) FROM (
     SELECT eventId, COALESCE(gate, '') AS gate,
       CASE WHEN result = 'ADMITTED' AND countsVisitor = 1 THEN 1 ELSE 0 END AS visitors,
       CASE WHEN result = 'ADMITTED' AND undoneAt IS NULL THEN 1 ELSE 0 END AS admitted,
       CASE WHEN result = 'EXITED' AND undoneAt IS NULL THEN 1 ELSE 0 END AS exited,
       0 AS inside
     FROM admissions WHERE result IN ('ADMITTED', 'EXITED')
     UNION ALL
     SELECT eventId, '' AS gate, 0, 0, 0, 1 FROM tickets WHERE inside = 1
   ) AS parts GROUP BY eventId, gate`,
  `INSERT INTO list_tallies (eventId, listId, admitted)
   SELECT eventId, listId, COUNT(DISTINCT ticketId) FROM admissions
   WHERE listId IS NOT NULL AND result = 'ADMITTED' AND undoneAt IS NULL GROUP BY eventId, listId`,
];

export class AttendanceTallies1766300000000 implements MigrationInterface {
  name = "AttendanceTallies1766300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(table, false, false, true);
    for (const sql of ATTENDANCE_TALLY_FILL) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name);
  }
}
