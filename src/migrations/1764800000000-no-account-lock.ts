import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int, time } from "./table-columns";

/**
 * Wrong passwords no longer lock an account (anyone who knew the phone number could
 * lock it); guessing is throttled with growing delays outside the database instead.
 */
export class NoAccountLock1764800000000 implements MigrationInterface {
  name = "NoAccountLock1764800000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns("customers", ["failedPasswordAttempts", "lockedUntil"]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("customers", [
      new TableColumn(int("failedPasswordAttempts", false, 0)),
      new TableColumn(time("lockedUntil", true)),
    ]);
  }
}
