import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

const TABLES: Table[] = [
  new Table({
    name: "events",
    columns: [
      id(),
      id("partnerId"),
      str("title", 200),
      str("venue", 200),
      time("startsAt"),
      time("doorsOpenAt"),
      int("releaseMinutesBeforeDoors"),
      int("admittedCount", false, 0),
      time("createdAt"),
    ],
    indices: [index("IDX_events_partner", ["partnerId"])],
  }),
  new Table({
    name: "tickets",
    columns: [
      id(),
      id("partnerId"),
      id("eventId"),
      str("issueNumber", 64),
      str("holderPhone", 16),
      int("holderVersion", false, 1),
      str("seat", 50, true),
      int("usesAllowed"),
      int("usesLeft"),
      time("validFrom"),
      time("validUntil"),
      str("contentHash", 64),
      time("revokedAt", true),
      time("createdAt"),
    ],
    indices: [
      index("UQ_tickets_partner_issue", ["partnerId", "issueNumber"], true),
      index("IDX_tickets_holder", ["holderPhone"]),
      index("IDX_tickets_event", ["eventId"]),
    ],
  }),
  new Table({
    name: "admissions",
    columns: [id(), id("eventId"), id("ticketId", true), str("gate", 50, true), str("result", 10), str("reason", 20, true), time("at")],
    indices: [index("IDX_admissions_event", ["eventId", "id"])],
  }),
];

export class Tickets1764400000000 implements MigrationInterface {
  name = "Tickets1764400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(table, false, false, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
