import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int } from "./table-columns";

/**
 * A write to the row that guards a limit taken over many rows (a device's offline
 * payments in any 24 hours, a program's messages per member a day). A row lock alone
 * holds on one server; on Galera two nodes lock their own copies, and only a write to
 * the same row makes the second COMMIT fail certification and run again.
 */
export class LimitWrites1765470000000 implements MigrationInterface {
  name = "LimitWrites1765470000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("devices", new TableColumn(int("offlineClaims", false, 0)));
    await queryRunner.addColumn("programs", new TableColumn(int("messageSends", false, 0)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("programs", "messageSends");
    await queryRunner.dropColumn("devices", "offlineClaims");
  }
}
