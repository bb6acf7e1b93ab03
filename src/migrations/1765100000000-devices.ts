import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, time } from "./table-columns";

/** Phones' own keys (entities/device.entity.ts), which sign proofs instead of the password. */
export class Devices1765100000000 implements MigrationInterface {
  name = "Devices1765100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "devices",
        columns: [
          id(),
          id("customerId"),
          str("name", 50),
          str("algorithm", 10),
          { name: "publicKey", type: "blob" },
          { name: "counter", type: "bigint", default: 0 },
          time("createdAt"),
          time("lastUsedAt", true),
          time("revokedAt", true),
        ],
        indices: [index("IDX_devices_customer", ["customerId", "revokedAt"])],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("devices", true);
  }
}
