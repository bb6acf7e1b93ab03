import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int, index, str } from "./table-columns";

/**
 * Finding a member at the register without a member code: the member's consent on the
 * membership (0: not findable), and each payment's store-scoped customer number, kept
 * so the store that saw it on a receipt can find that customer again by it.
 */
export class MemberLookup1765902000000 implements MigrationInterface {
  name = "MemberLookup1765902000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("memberships", new TableColumn(int("lookupAllowed", false, 0)));
    await queryRunner.addColumn("payments", new TableColumn(str("customerNumber", 10, true)));
    await queryRunner.createIndex("payments", index("IDX_payments_store_customer_number", ["storeId", "customerNumber"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("payments", "IDX_payments_store_customer_number");
    await queryRunner.dropColumn("payments", "customerNumber");
    await queryRunner.dropColumn("memberships", "lookupAllowed");
  }
}
