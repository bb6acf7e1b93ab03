import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/**
 * The gate's desk (docs/tickets.md): attendee names on tickets; which gate key made an
 * admission, whether it was admitted by ticket id and whether it was undone; check-in
 * lists (their rules, their tickets, the list of each admission); transfer offers; and
 * the audit of what a gate looked up or did by hand.
 */
const TICKET_COLUMNS = [str("attendeeName", 100, true)];
const ADMISSION_COLUMNS = [id("gateKeyId", true), time("undoneAt", true), id("listId", true), int("byTicketId", false, 0)];
const TABLES = [
  new Table({
    name: "check_in_lists",
    columns: [id(), id("eventId"), str("name", 50), int("allTickets", false, 1), time("opensAt", true), time("closesAt", true), time("createdAt")],
    indices: [index("UQ_check_in_lists_event_name", ["eventId", "name"], true)],
  }),
  new Table({
    name: "check_in_list_tickets",
    columns: [
      { ...id("listId"), isPrimary: true },
      { ...id("ticketId"), isPrimary: true },
    ],
    indices: [index("IDX_check_in_list_tickets_ticket", ["ticketId"])],
  }),
  new Table({
    name: "ticket_offers",
    columns: [
      id(),
      id("ticketId"),
      str("fromPhone", 16),
      str("toPhone", 16),
      int("holderVersion"),
      str("status", 12),
      time("createdAt"),
      time("expiresAt"),
      time("decidedAt", true),
    ],
    indices: [index("IDX_ticket_offers_to", ["toPhone", "status"]), index("IDX_ticket_offers_ticket", ["ticketId", "status"])],
  }),
  new Table({
    name: "gate_audits",
    columns: [id(), id("eventId"), id("apiKeyId"), str("action", 20), id("ticketId", true), int("hits", true), time("at")],
    indices: [index("IDX_gate_audits_event", ["eventId", "at"])],
  }),
];
const ADMISSION_INDEXES = [index("IDX_admissions_list", ["eventId", "listId", "result"])];

export class GateDesk1766000000000 implements MigrationInterface {
  name = "GateDesk1766000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("tickets", TICKET_COLUMNS.map((c) => new TableColumn(c)));
    await queryRunner.addColumns("admissions", ADMISSION_COLUMNS.map((c) => new TableColumn(c)));
    for (const i of ADMISSION_INDEXES) await queryRunner.createIndex("admissions", i);
    for (const table of TABLES) await queryRunner.createTable(table, false, false, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name);
    for (const i of ADMISSION_INDEXES) await queryRunner.dropIndex("admissions", i.name!);
    for (const c of ADMISSION_COLUMNS) await queryRunner.dropColumn("admissions", c.name);
    for (const c of TICKET_COLUMNS) await queryRunner.dropColumn("tickets", c.name);
  }
}
