import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { time } from "./table-columns";

/** When each API key was last presented, so the back office can see keys gone quiet. */
export class ApiKeyLastUsed1764600000000 implements MigrationInterface {
  name = "ApiKeyLastUsed1764600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("api_keys", new TableColumn(time("lastUsedAt", true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("api_keys", "lastUsedAt");
  }
}
