import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, int, str, text } from "./table-columns";

/**
 * Points with a card payment: the payment names its settlement, which holds the redeemed
 * points until the payment is decided, and records what its refunds reversed.
 */
const SETTLEMENT_COLUMNS = [
  str("state", 10),
  { ...text("heldLots"), isNullable: true },
  int("pointsReturned", false, 0),
  int("pointsTakenBack", false, 0),
  int("shortfall", false, 0),
];

export class PaymentPoints1765201000000 implements MigrationInterface {
  name = "PaymentPoints1765201000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("payments", new TableColumn(id("pointsSettlementId", true)));
    await queryRunner.addColumns(
      "point_settlements",
      SETTLEMENT_COLUMNS.map((c) => new TableColumn(c.name === "state" ? { ...c, default: "'SETTLED'" } : c)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns("point_settlements", SETTLEMENT_COLUMNS.map((c) => c.name));
    await queryRunner.dropColumn("payments", "pointsSettlementId");
  }
}
