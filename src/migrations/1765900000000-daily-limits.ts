import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int, str } from "./table-columns";

/**
 * Daily limits for payment codes: what the customer set (null: the operator's ceiling
 * alone), and the day's running total and count on the customer's own row, taken by one
 * conditional UPDATE at each redeem. A payment names the day it was counted on, so a
 * payment that ends without a charge gives it back once.
 */
export class DailyLimits1765900000000 implements MigrationInterface {
  name = "DailyLimits1765900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("customers", [
      new TableColumn(int("dailyMaxAmount", true)),
      new TableColumn(int("dailyMaxCount", true)),
      new TableColumn(str("spendDay", 10, true)),
      new TableColumn(int("dayAmount", false, 0)),
      new TableColumn(int("dayCount", false, 0)),
    ]);
    await queryRunner.addColumn("payments", new TableColumn(str("dailyLimitDay", 10, true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("payments", "dailyLimitDay");
    for (const column of ["dayCount", "dayAmount", "spendDay", "dailyMaxCount", "dailyMaxAmount"]) await queryRunner.dropColumn("customers", column);
  }
}
