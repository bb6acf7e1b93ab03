import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, text, time } from "./table-columns";

/**
 * The receivers that keep a copy of the books (the books.sealed webhook: when each is due
 * one next, and its last message), and receipt bodies that may be dropped after the
 * retention period while their leaves stay in the books.
 */
export class BooksCopies1765520000000 implements MigrationInterface {
  name = "BooksCopies1765520000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "books_copies",
        columns: [{ ...str("destination", 100), isPrimary: true }, time("dueAt"), id("messageId", true), time("createdAt")],
        indices: [index("IDX_books_copies_due", ["dueAt"])],
      }),
      false,
      false,
      true,
    );
    await queryRunner.changeColumn("receipts", "body", new TableColumn({ ...text("body"), isNullable: true }));
    await queryRunner.addColumn("receipts", new TableColumn(time("droppedAt", true)));
    await queryRunner.createIndex("receipts", index("IDX_receipts_kept", ["droppedAt", "createdAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("receipts", "IDX_receipts_kept");
    await queryRunner.dropColumn("receipts", "droppedAt");
    await queryRunner.changeColumn("receipts", "body", new TableColumn(text("body")));
    await queryRunner.dropTable("books_copies", true);
  }
}
