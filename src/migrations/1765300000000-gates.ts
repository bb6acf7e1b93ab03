import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/**
 * Gates that keep working offline, exits and passes (services/admission.service.ts):
 * where a ticket's holder is, its last use, when it last changed (a gate's snapshot
 * refreshes since then); each admission's part in the counts, which are read from the
 * admission rows instead of a counter on the event row that every gate would update;
 * events that allow re-entry or limit passing a ticket on; the chain of allotments.
 */
const TICKET_COLUMNS = [int("minMinutesBetweenUses", true), time("lastUsedAt", true), int("inside", false, 0), time("movedAt", true), time("updatedAt", true)];
const EVENT_COLUMNS = [int("allowReentry", false, 0), int("maxTransfers", true)];
const ADMISSION_COLUMNS = [
  int("tookUse", false, 0),
  int("countsVisitor", false, 0),
  int("visitDay", true),
  time("firstUsedAt", true),
  str("scanKey", 64, true),
  int("offline", false, 0),
];
const INDEXES: Array<[table: string, name: string, columns: string[], unique?: boolean]> = [
  ["tickets", "IDX_tickets_event_updated", ["eventId", "updatedAt"]],
  ["tickets", "IDX_tickets_event_inside", ["eventId", "inside"]],
  ["admissions", "IDX_admissions_visitors", ["eventId", "countsVisitor", "result"]],
  ["admissions", "IDX_admissions_gates", ["eventId", "gate", "result"]],
  ["admissions", "IDX_admissions_ticket", ["ticketId", "at"]],
  ["admissions", "UQ_admissions_scan", ["scanKey"], true],
];
const TRANSFERS = new Table({
  name: "ticket_transfers",
  columns: [id(), id("ticketId"), str("fromPhone", 16), str("toPhone", 16), time("at"), time("takenBackAt", true)],
  indices: [index("IDX_ticket_transfers_ticket", ["ticketId", "at"])],
});

export class Gates1765300000000 implements MigrationInterface {
  name = "Gates1765300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("tickets", TICKET_COLUMNS.map((c) => new TableColumn(c)));
    await queryRunner.query("UPDATE tickets SET updatedAt = createdAt, lastUsedAt = CASE WHEN usesLeft < usesAllowed THEN createdAt ELSE NULL END");
    await queryRunner.addColumns("events", EVENT_COLUMNS.map((c) => new TableColumn(c)));
    await queryRunner.dropColumn("events", "admittedCount");
    await queryRunner.addColumns("admissions", ADMISSION_COLUMNS.map((c) => new TableColumn(c)));
    // Admissions made before: each counts a visitor, as the event's counter did.
    await queryRunner.query("UPDATE admissions SET tookUse = 1, countsVisitor = 1 WHERE result = 'ADMITTED'");
    for (const [table, name, columns, unique] of INDEXES) await queryRunner.createIndex(table, index(name, columns, unique));
    await queryRunner.createTable(TRANSFERS, false, false, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TRANSFERS.name, true);
    for (const [table, name] of [...INDEXES].reverse()) await queryRunner.dropIndex(table, name);
    await queryRunner.dropColumns("admissions", ADMISSION_COLUMNS.map((c) => c.name));
    await queryRunner.addColumn("events", new TableColumn(int("admittedCount", false, 0)));
    await queryRunner.query("UPDATE events SET admittedCount = (SELECT COUNT(*) FROM admissions a WHERE a.eventId = events.id AND a.result = 'ADMITTED')");
    await queryRunner.dropColumns("events", EVENT_COLUMNS.map((c) => c.name));
    await queryRunner.dropColumns("tickets", TICKET_COLUMNS.map((c) => c.name));
  }
}
