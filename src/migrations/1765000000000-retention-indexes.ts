import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * The retention sweep (services/retention.service.ts) finds what is past its period by
 * these, so it never scans a table. Delivered outbox messages need none of their own:
 * IDX_outbox_due begins with deliveredAt.
 */
const INDEXES: Array<[table: string, name: string, column: string]> = [
  ["idempotency_records", "IDX_idempotency_created", "createdAt"],
  ["wallet_codes", "IDX_codes_expires", "expiresAt"],
  ["customer_sessions", "IDX_sessions_expires", "expiresAt"],
  ["customer_sessions", "IDX_sessions_revoked", "revokedAt"],
  ["confirmation_requests", "IDX_confirmations_answered", "answeredAt"],
];

export class RetentionIndexes1765000000000 implements MigrationInterface {
  name = "RetentionIndexes1765000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, column] of INDEXES) await queryRunner.createIndex(table, index(name, [column]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await queryRunner.dropIndex(table, name);
  }
}
