import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { index, int } from "./table-columns";

/** A rotating ticket code's window admits once: the admission that took it names it, and a unique index keeps it one. */
export class RotatingWindows1765460500000 implements MigrationInterface {
  name = "RotatingWindows1765460500000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("admissions", new TableColumn(int("codeWindow", true)));
    await queryRunner.createIndex("admissions", index("UQ_admissions_window", ["ticketId", "codeWindow"], true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("admissions", "UQ_admissions_window");
    await queryRunner.dropColumn("admissions", "codeWindow");
  }
}
