import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { str } from "./table-columns";

/** Outbox workers lease messages in batches, marked with a lease id. */
export class OutboxLease1764500000000 implements MigrationInterface {
  name = "OutboxLease1764500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("outbox_messages", new TableColumn(str("leaseId", 36, true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("outbox_messages", "leaseId");
  }
}
