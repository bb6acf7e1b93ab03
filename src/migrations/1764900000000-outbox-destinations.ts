import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { index, str, time } from "./table-columns";

/**
 * Outbox messages name their destination (deliveries to one never wait for another's)
 * and can die: a message still failing after OUTBOX_GIVE_UP_AFTER_DAYS stops being
 * retried until an admin makes it due again. The due index skips dead messages and busy
 * destinations without reading rows. Messages written before keep a null destination
 * (the code derives one from the topic).
 */
export class OutboxDestinations1764900000000 implements MigrationInterface {
  name = "OutboxDestinations1764900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("outbox_messages", [
      new TableColumn(str("destination", 100, true)),
      new TableColumn(time("deadAt", true)),
      new TableColumn(time("revivedAt", true)),
    ]);
    await queryRunner.dropIndex("outbox_messages", "IDX_outbox_due");
    await queryRunner.createIndex("outbox_messages", index("IDX_outbox_due", ["deliveredAt", "deadAt", "nextAttemptAt", "destination"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("outbox_messages", "IDX_outbox_due");
    await queryRunner.createIndex("outbox_messages", index("IDX_outbox_due", ["deliveredAt", "nextAttemptAt"]));
    await queryRunner.dropColumns("outbox_messages", ["destination", "deadAt", "revivedAt"]);
  }
}
