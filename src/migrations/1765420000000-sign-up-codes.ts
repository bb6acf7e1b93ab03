import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, time } from "./table-columns";

/** Customers sign themselves up with a code sent to their phone by SMS. */
export class SignUpCodes1765420000000 implements MigrationInterface {
  name = "SignUpCodes1765420000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "sign_up_codes",
        columns: [id(), str("phone", 16), str("codeHash", 64), int("wrongTries", false, 0), time("expiresAt"), time("usedAt", true), time("createdAt")],
        indices: [index("IDX_sign_up_codes_phone", ["phone", "createdAt"]), index("IDX_sign_up_codes_expires", ["expiresAt"])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("sign_up_codes", true);
  }
}
