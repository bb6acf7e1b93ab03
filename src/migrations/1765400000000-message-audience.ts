import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index } from "./table-columns";

/**
 * Messages to one member or a segment, under a per-member cap: each inbox entry names
 * its program, so the members a program already messaged today are found by one index
 * range; movements are found by program and time for "spent within a period".
 */
export class MessageAudience1765400000000 implements MigrationInterface {
  name = "MessageAudience1765400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("inbox_entries", new TableColumn(id("programId", true)));
    await queryRunner.query(
      "UPDATE inbox_entries SET programId = (SELECT messages.programId FROM messages WHERE messages.id = inbox_entries.messageId)",
    );
    await queryRunner.createIndex("inbox_entries", index("IDX_inbox_program_recent", ["programId", "createdAt", "customerId"]));
    await queryRunner.createIndex("point_movements", index("IDX_point_movements_program_time", ["programId", "createdAt", "membershipId"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("point_movements", "IDX_point_movements_program_time");
    await queryRunner.dropIndex("inbox_entries", "IDX_inbox_program_recent");
    await queryRunner.dropColumn("inbox_entries", "programId");
  }
}
