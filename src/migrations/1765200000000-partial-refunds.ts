import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/**
 * A payment refunded in parts: its running total, and one row per refund (with the
 * register's idempotency key, when it sent one).
 */
export class PartialRefunds1765200000000 implements MigrationInterface {
  name = "PartialRefunds1765200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("payments", new TableColumn(int("refundedAmount", false, 0)));
    await queryRunner.createTable(
      new Table({
        name: "refunds",
        columns: [id(), id("paymentId"), int("amount"), str("idempotency", 128, true), time("createdAt")],
        indices: [index("IDX_refunds_payment", ["paymentId"])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("refunds");
    await queryRunner.dropColumn("payments", "refundedAmount");
  }
}
