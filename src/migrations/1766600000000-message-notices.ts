import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { text } from "./table-columns";

/**
 * A notice about a member's points keeps its facts (MemberNotice, as JSON) beside its
 * English title and body, so each phone words it in its own language. Notices written
 * before have none and are shown as they were written.
 */
export class MessageNotices1766600000000 implements MigrationInterface {
  name = "MessageNotices1766600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("messages", new TableColumn({ ...text("notice"), isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("messages", "notice");
  }
}
