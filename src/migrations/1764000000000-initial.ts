import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, text, time } from "./table-columns";

const TABLES: Table[] = [
  new Table({
    name: "customers",
    columns: [
      id(),
      str("phone", 16),
      str("name", 100),
      str("address", 200, true),
      str("passwordHash", 200),
      int("confirmAbove", true),
      int("failedPasswordAttempts", false, 0),
      time("lockedUntil", true),
      time("createdAt"),
    ],
    indices: [index("UQ_customers_phone", ["phone"], true)],
  }),
  new Table({
    name: "customer_sessions",
    columns: [id(), id("customerId"), str("tokenHash", 64), time("expiresAt"), time("revokedAt", true), time("createdAt")],
    indices: [index("UQ_sessions_token", ["tokenHash"], true), index("IDX_sessions_customer", ["customerId"])],
  }),
  new Table({
    name: "cards",
    columns: [
      id(),
      id("customerId"),
      str("selector", 8),
      str("kind", 10),
      str("institution", 100),
      str("brand", 20),
      str("last4", 4),
      int("expiryMonth"),
      int("expiryYear"),
      str("holderName", 100),
      str("label", 50, true),
      str("status", 16),
      str("panCiphertext", 200),
      str("panKeyId", 16),
      str("panFingerprint", 64),
      time("createdAt"),
    ],
    indices: [
      index("UQ_cards_customer_selector", ["customerId", "selector"], true),
      index("UQ_cards_customer_fingerprint", ["customerId", "panFingerprint"], true),
    ],
  }),
  new Table({
    name: "stores",
    columns: [id(), str("name", 100), str("currency", 3), str("programId", 36, true), time("createdAt")],
  }),
  new Table({
    name: "partners",
    columns: [id(), str("name", 100), str("webhookUrl", 500, true), time("createdAt")],
  }),
  new Table({
    name: "api_keys",
    columns: [id(), str("role", 10), id("ownerId"), str("keyHash", 64), time("revokedAt", true), time("createdAt")],
    indices: [index("UQ_api_keys_hash", ["keyHash"], true)],
  }),
  new Table({
    name: "wallet_codes",
    columns: [
      id(),
      str("codeHash", 64),
      str("kind", 10),
      id("customerId"),
      id("cardId", true),
      int("maxAmount", true),
      time("expiresAt"),
      time("usedAt", true),
      time("createdAt"),
    ],
    indices: [index("UQ_codes_hash", ["codeHash"], true), index("IDX_codes_customer", ["customerId"])],
  }),
  new Table({
    name: "payments",
    columns: [
      id(),
      str("status", 24),
      int("amount"),
      str("currency", 3),
      text("items"),
      str("reference", 64, true),
      id("storeId"),
      str("storeName", 100),
      id("customerId"),
      id("cardId"),
      id("codeId", true),
      str("cardInstitution", 100),
      str("cardBrand", 20),
      str("cardLast4", 4),
      str("approvalNumber", 6, true),
      str("declineReason", 64, true),
      time("createdAt"),
      time("decidedAt", true),
    ],
    indices: [
      index("IDX_payments_customer", ["customerId", "id"]),
      index("IDX_payments_store", ["storeId", "id"]),
      index("IDX_payments_status", ["status", "createdAt"]),
    ],
  }),
  new Table({
    name: "ledger_entries",
    columns: [
      id(),
      id("paymentId"),
      id("customerId"),
      id("storeId"),
      str("entryType", 10),
      int("amount"),
      str("currency", 3),
      time("createdAt"),
    ],
    indices: [index("IDX_ledger_payment", ["paymentId"]), index("IDX_ledger_customer", ["customerId"])],
  }),
  new Table({
    name: "idempotency_records",
    columns: [
      id(),
      str("scope", 64),
      str("idemKey", 128),
      str("operation", 32),
      str("requestHash", 64),
      str("state", 12),
      id("resultId", true),
      str("errorCode", 32, true),
      str("errorMessage", 200, true),
      time("createdAt"),
    ],
    indices: [index("UQ_idempotency_scope_key", ["scope", "idemKey"], true)],
  }),
  new Table({
    name: "outbox_messages",
    columns: [
      id(),
      str("topic", 64),
      text("payload"),
      int("attempts", false, 0),
      time("nextAttemptAt"),
      time("lockedUntil", true),
      str("lastError", 500, true),
      time("createdAt"),
      time("deliveredAt", true),
    ],
    indices: [index("IDX_outbox_due", ["deliveredAt", "nextAttemptAt"])],
  }),
];

export class Initial1764000000000 implements MigrationInterface {
  name = "Initial1764000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(table, false, false, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
