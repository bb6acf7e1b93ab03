import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/** Offline payment tokens: each one taken, and each device's offline limits (null: the operator's maximum). */
export class OfflineTokens1765430000000 implements MigrationInterface {
  name = "OfflineTokens1765430000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "offline_token_uses",
        columns: [id(), id("deviceId"), str("nonce", 64), id("paymentId"), int("amount"), time("createdAt")],
        indices: [index("UQ_offline_token_nonce", ["deviceId", "nonce"], true), index("IDX_offline_token_recent", ["deviceId", "createdAt"])],
      }),
    );
    await queryRunner.addColumns("devices", [new TableColumn(int("offlineMaxAmount", true)), new TableColumn(int("offlineMaxCount", true))]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns("devices", ["offlineMaxCount", "offlineMaxAmount"]);
    await queryRunner.dropTable("offline_token_uses", true);
  }
}
