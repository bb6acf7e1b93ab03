import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, time } from "./table-columns";

/**
 * Wallet passes (entities/wallet-pass.entity.ts) and the Apple devices registered for
 * their updates (entities/wallet-pass-device.entity.ts); docs/passes.md.
 */
export class WalletPasses1765700000000 implements MigrationInterface {
  name = "WalletPasses1765700000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "wallet_passes",
        columns: [
          id(),
          str("platform", 8),
          str("subjectKind", 12),
          id("subjectId"),
          id("customerId"),
          str("authTokenHash", 64, true),
          time("changedAt"),
          time("createdAt"),
        ],
        indices: [
          index("UQ_wallet_passes_holder", ["platform", "subjectKind", "subjectId", "customerId"], true),
          index("IDX_wallet_passes_subject", ["subjectId"]),
        ],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "wallet_pass_devices",
        columns: [id(), str("deviceLibraryId", 128), str("pushToken", 200), id("passId"), time("createdAt")],
        indices: [
          index("UQ_wallet_pass_devices_device_pass", ["deviceLibraryId", "passId"], true),
          index("IDX_wallet_pass_devices_pass", ["passId"]),
          index("IDX_wallet_pass_devices_token", ["pushToken"]),
        ],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("wallet_pass_devices", true);
    await queryRunner.dropTable("wallet_passes", true);
  }
}
