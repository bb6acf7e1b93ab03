import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, text, time } from "./table-columns";

const TABLES: Table[] = [
  new Table({
    name: "programs",
    columns: [id(), id("partnerId"), str("name", 100), int("pointsPerUnitMicros"), int("pointValue"), int("expiryDays"), time("createdAt")],
    indices: [index("IDX_programs_partner", ["partnerId"])],
  }),
  new Table({
    name: "memberships",
    columns: [id(), id("programId"), id("customerId"), str("memberNumber", 16), time("createdAt")],
    indices: [
      index("UQ_memberships_program_customer", ["programId", "customerId"], true),
      index("UQ_memberships_number", ["memberNumber"], true),
      index("IDX_memberships_customer", ["customerId"]),
    ],
  }),
  new Table({
    name: "point_lots",
    columns: [id(), id("membershipId"), int("points"), int("remaining"), time("expiresAt"), time("createdAt")],
    indices: [index("IDX_point_lots_membership", ["membershipId", "expiresAt"])],
  }),
  new Table({
    name: "point_movements",
    columns: [
      id(),
      id("programId"),
      id("membershipId"),
      str("memberNumber", 16),
      str("kind", 10),
      int("points"),
      id("storeId"),
      id("settlementId"),
      time("expiresAt", true),
      time("createdAt"),
    ],
    indices: [index("IDX_point_movements_program", ["programId", "id"])],
  }),
  new Table({
    name: "point_settlements",
    columns: [
      id(),
      id("membershipId"),
      id("storeId"),
      int("purchaseAmount"),
      int("pointsRedeemed"),
      int("pointsEarned"),
      int("discount"),
      time("createdAt"),
    ],
  }),
  new Table({
    name: "offers",
    columns: [id(), id("programId"), str("title", 100), str("description", 1000), time("validUntil", true), time("createdAt")],
    indices: [index("IDX_offers_program", ["programId"])],
  }),
  new Table({
    name: "messages",
    columns: [id(), id("programId"), str("title", 100), text("body"), time("sentAt")],
    indices: [index("IDX_messages_program", ["programId"])],
  }),
  new Table({
    name: "inbox_entries",
    columns: [id(), id("messageId"), id("customerId"), time("readAt", true), time("createdAt")],
    indices: [
      index("UQ_inbox_message_customer", ["messageId", "customerId"], true),
      index("IDX_inbox_customer", ["customerId", "id"]),
    ],
  }),
];

export class Membership1764200000000 implements MigrationInterface {
  name = "Membership1764200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(table, false, false, true);
    await queryRunner.addColumn("wallet_codes", new TableColumn(id("membershipId", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("wallet_codes", "membershipId");
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
