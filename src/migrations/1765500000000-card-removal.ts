import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { time } from "./table-columns";

/**
 * A card the customer removed stays as a row (past payments name it) with its time of
 * removal; the wallet no longer lists it and nothing can pay with it.
 */
export class CardRemoval1765500000000 implements MigrationInterface {
  name = "CardRemoval1765500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("cards", new TableColumn(time("removedAt", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("cards", "removedAt");
  }
}
