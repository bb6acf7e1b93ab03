import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { str } from "./table-columns";

/**
 * Each purpose key rotates on its own: what a key made names its id. Codes and card
 * fingerprints keep the id of the key they were hashed with; partners keep their
 * webhook secret sealed, with the sealing key's id. Existing rows start with nulls: the
 * server fills in fingerprint ids and partners' secrets at start (key-sweep.service.ts),
 * and codes from before are looked up under every configured key until they expire.
 */
export class KeyIds1764960000000 implements MigrationInterface {
  name = "KeyIds1764960000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("wallet_codes", new TableColumn(str("codeKeyId", 16, true)));
    await queryRunner.addColumn("cards", new TableColumn(str("panFingerprintKeyId", 16, true)));
    await queryRunner.addColumns("partners", [
      new TableColumn(str("webhookSecretCiphertext", 200, true)),
      new TableColumn(str("webhookSecretKeyId", 16, true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns("partners", ["webhookSecretCiphertext", "webhookSecretKeyId"]);
    await queryRunner.dropColumn("cards", "panFingerprintKeyId");
    await queryRunner.dropColumn("wallet_codes", "codeKeyId");
  }
}
