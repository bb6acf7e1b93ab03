import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, text, time } from "./table-columns";

const bigint = (name: string, nullable = false) => ({ name, type: "bigint", isNullable: nullable });

/**
 * The books: signed receipts (a decision's transaction inserts one), their places in the
 * append-only Merkle log, the perfect subtrees proofs are made of, the signed tree heads,
 * the receipt keys the key set publishes, and the lease of the one sealer.
 */
export class Books1765490000000 implements MigrationInterface {
  name = "Books1765490000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "receipts",
        columns: [
          id(),
          str("kind", 32),
          id("objectId"),
          id("customerId", true),
          id("storeId", true),
          text("body"),
          str("keyId", 16),
          str("signature", 100),
          time("createdAt"),
          bigint("leafIndex", true),
        ],
        indices: [
          index("IDX_receipts_object", ["objectId"]),
          index("IDX_receipts_customer", ["customerId", "id"]),
          index("UQ_receipts_leaf", ["leafIndex"], true),
        ],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "tree_heads",
        columns: [{ ...bigint("size"), isPrimary: true }, str("root", 43), time("at"), str("keyId", 16), str("signature", 100)],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "merkle_nodes",
        columns: [{ name: "level", type: "integer", isPrimary: true }, { ...bigint("idx"), isPrimary: true }, str("hash", 43)],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({ name: "receipt_keys", columns: [{ ...str("keyId", 16), isPrimary: true }, str("publicKey", 43), time("since"), time("until", true)] }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({ name: "books_lease", columns: [{ ...str("name", 16), isPrimary: true }, str("holder", 64), time("until")] }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["books_lease", "receipt_keys", "merkle_nodes", "tree_heads", "receipts"]) await queryRunner.dropTable(table, true);
  }
}
