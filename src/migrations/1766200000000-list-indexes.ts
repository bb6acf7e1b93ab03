import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * Two reads that grow with their tables. Attendance counts an event's valid tickets
 * (eventId, revokedAt IS NULL): by (eventId) alone MySQL read every row of the event, and
 * for an event with a quarter of all tickets chose to read the whole table (found by
 * tests/integration/query-plans.test.ts on a seeded database); (eventId, revokedAt)
 * counts from the index alone. And the API keys revoked lately, which every instance
 * looks for twice a second to close their sockets (src/open-sockets.ts), by (revokedAt).
 */
export class ListIndexes1766200000000 implements MigrationInterface {
  name = "ListIndexes1766200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("tickets", index("IDX_tickets_event_revoked", ["eventId", "revokedAt"]));
    await queryRunner.createIndex("api_keys", index("IDX_api_keys_revoked", ["revokedAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("api_keys", "IDX_api_keys_revoked");
    await queryRunner.dropIndex("tickets", "IDX_tickets_event_revoked");
  }
}
