import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { index, time } from "./table-columns";

/**
 * Each PROCESSING payment carries the moment past which no instance waits for the
 * institution's answer on it; recovery reverses only payments past it (by the index).
 */
export class PaymentProcessingDeadline1764700000000 implements MigrationInterface {
  name = "PaymentProcessingDeadline1764700000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("payments", new TableColumn(time("processingDeadline", true)));
    await queryRunner.dropIndex("payments", "IDX_payments_status");
    await queryRunner.createIndex("payments", index("IDX_payments_processing", ["status", "processingDeadline"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("payments", "IDX_payments_processing");
    await queryRunner.createIndex("payments", index("IDX_payments_status", ["status", "createdAt"]));
    await queryRunner.dropColumn("payments", "processingDeadline");
  }
}
