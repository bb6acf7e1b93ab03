import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { index, str } from "./table-columns";

/**
 * A store's day and its back office: the time zone its day is counted in (existing
 * stores: UTC), and an optional webhook URL with its secret, sealed like a partner's.
 * Bills are found by the store that collected them and when, for the day's hand-over.
 */
export class StoreDay1765410000000 implements MigrationInterface {
  name = "StoreDay1765410000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("stores", [
      new TableColumn({ ...str("timeZone", 64), default: "'UTC'" }),
      new TableColumn(str("webhookUrl", 500, true)),
      new TableColumn(str("webhookSecretCiphertext", 200, true)),
      new TableColumn(str("webhookSecretKeyId", 16, true)),
    ]);
    await queryRunner.createIndex("bills", index("IDX_bills_store_paid", ["paidAtStoreId", "paidAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("bills", "IDX_bills_store_paid");
    await queryRunner.dropColumns("stores", ["webhookSecretKeyId", "webhookSecretCiphertext", "webhookUrl", "timeZone"]);
  }
}
