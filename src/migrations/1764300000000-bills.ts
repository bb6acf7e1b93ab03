import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

const BILLS = new Table({
  name: "bills",
  columns: [
    id(),
    id("partnerId"),
    str("reference", 64),
    str("customerPhone", 16),
    int("amount"),
    str("currency", 3),
    str("description", 500, true),
    time("dueDate"),
    str("status", 10),
    str("contentHash", 64),
    time("paidAt", true),
    id("paidAtStoreId", true),
    str("paidAtStoreName", 100, true),
    str("tender", 10, true),
    time("createdAt"),
  ],
  indices: [
    index("UQ_bills_partner_reference", ["partnerId", "reference"], true),
    index("IDX_bills_phone", ["customerPhone", "id"]),
  ],
});

export class Bills1764300000000 implements MigrationInterface {
  name = "Bills1764300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(BILLS, false, false, true);
    await queryRunner.addColumn("wallet_codes", new TableColumn(id("billId", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("wallet_codes", "billId");
    await queryRunner.dropTable("bills", true);
  }
}
