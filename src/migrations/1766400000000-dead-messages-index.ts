import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * The admin's dead messages, newest to die first, a page at a time: (deliveredAt, deadAt,
 * id) gives the undelivered ones in that order from the index. Ordered by id within
 * IDX_outbox_due's range of dead messages, every page read and sorted every dead message
 * there is (found by bench:scale on a year of data); and by (deadAt, id) alone MariaDB
 * still took IDX_outbox_due for `deliveredAt IS NULL` and sorted.
 */
export class DeadMessagesIndex1766400000000 implements MigrationInterface {
  name = "DeadMessagesIndex1766400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("outbox_messages", index("IDX_outbox_dead", ["deliveredAt", "deadAt", "id"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("outbox_messages", "IDX_outbox_dead");
  }
}
