import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id } from "./table-columns";

/**
 * A bill paid by card at a store: the bill names the card payment that is paying it (or
 * paid it), and the payment names its bill, so the payment's decision settles or
 * releases the bill in the same transaction.
 */
export class BillCardPayments1765450000000 implements MigrationInterface {
  name = "BillCardPayments1765450000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("bills", new TableColumn(id("paymentId", true)));
    await queryRunner.addColumn("payments", new TableColumn(id("billId", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("payments", "billId");
    await queryRunner.dropColumn("bills", "paymentId");
  }
}
