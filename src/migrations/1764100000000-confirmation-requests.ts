import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, time } from "./table-columns";

export class ConfirmationRequests1764100000000 implements MigrationInterface {
  name = "ConfirmationRequests1764100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "confirmation_requests",
        columns: [
          id(),
          id("paymentId"),
          id("customerId"),
          id("storeId"),
          time("expiresAt"),
          str("answer", 10, true),
          time("answeredAt", true),
          time("createdAt"),
        ],
        indices: [
          index("UQ_confirmations_payment", ["paymentId"], true),
          index("IDX_confirmations_customer", ["customerId", "answer"]),
          index("IDX_confirmations_due", ["answer", "expiresAt"]),
        ],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("confirmation_requests", true);
  }
}
