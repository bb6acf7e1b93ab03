import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * A gate's snapshot reads an event's tickets a page at a time, in id order after a
 * cursor: (eventId, id) is that range of one index on both engines. It takes the place
 * of (eventId) alone, whose every use it serves as well.
 */
export class SnapshotPages1766470000000 implements MigrationInterface {
  name = "SnapshotPages1766470000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("tickets", index("IDX_tickets_event_id", ["eventId", "id"]));
    await queryRunner.dropIndex("tickets", "IDX_tickets_event");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("tickets", index("IDX_tickets_event", ["eventId"]));
    await queryRunner.dropIndex("tickets", "IDX_tickets_event_id");
  }
}
