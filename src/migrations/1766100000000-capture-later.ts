import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { index, int, time } from "./table-columns";

/**
 * Authorize now, capture later: what the institution authorized, when it was captured,
 * and an index by which the sweep finds authorizations past AUTHORIZATION_DAYS.
 */
export class CaptureLater1766100000000 implements MigrationInterface {
  name = "CaptureLater1766100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("payments", new TableColumn(int("authorizedAmount", true)));
    await queryRunner.addColumn("payments", new TableColumn(time("capturedAt", true)));
    await queryRunner.createIndex("payments", index("IDX_payments_authorized", ["status", "decidedAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("payments", "IDX_payments_authorized");
    await queryRunner.dropColumn("payments", "capturedAt");
    await queryRunner.dropColumn("payments", "authorizedAmount");
  }
}
