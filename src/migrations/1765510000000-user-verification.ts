import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/**
 * Who holds the phone: passkeys (WebAuthn credentials, entities/passkey.entity.ts), the
 * server's one-time challenges for them, and the payment PIN where no authenticator exists.
 */
export class UserVerification1765510000000 implements MigrationInterface {
  name = "UserVerification1765510000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "passkeys",
        columns: [
          id(),
          id("customerId"),
          str("credentialId", 255),
          { name: "publicKey", type: "blob" },
          { name: "counter", type: "bigint", default: 0 },
          str("transports", 100, true),
          str("name", 50),
          time("createdAt"),
          time("lastUsedAt", true),
        ],
        indices: [index("UQ_passkeys_credential", ["credentialId"], true), index("IDX_passkeys_customer", ["customerId"])],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "verification_challenges",
        columns: [id(), id("customerId"), str("purpose", 12), str("challenge", 100), time("expiresAt"), time("usedAt", true), time("createdAt")],
        indices: [index("UQ_verification_challenges_challenge", ["challenge"], true), index("IDX_verification_challenges_expiry", ["expiresAt"])],
      }),
      false,
      false,
      true,
    );
    await queryRunner.addColumn("customers", new TableColumn(str("pinHash", 200, true)));
    await queryRunner.addColumn("customers", new TableColumn(int("pinWrongTries", false, 0)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("customers", "pinWrongTries");
    await queryRunner.dropColumn("customers", "pinHash");
    await queryRunner.dropTable("verification_challenges", true);
    await queryRunner.dropTable("passkeys", true);
  }
}
