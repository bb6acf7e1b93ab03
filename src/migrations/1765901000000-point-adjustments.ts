import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int, str } from "./table-columns";

/**
 * Manual point adjustments: a movement says why (its reason) and who (the partner's API
 * key). A notice in a member's inbox (points earned, an adjustment) is marked as one, so
 * it does not count against the program's cap on direct mail.
 */
export class PointAdjustments1765901000000 implements MigrationInterface {
  name = "PointAdjustments1765901000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("point_movements", [new TableColumn(str("reason", 200, true)), new TableColumn(str("actorId", 36, true))]);
    await queryRunner.addColumn("inbox_entries", new TableColumn(int("notice", false, 0)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("inbox_entries", "notice");
    await queryRunner.dropColumn("point_movements", "actorId");
    await queryRunner.dropColumn("point_movements", "reason");
  }
}
