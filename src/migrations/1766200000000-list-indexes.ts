import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * A count that a year of rows made slow, found by tests/integration/query-plans.test.ts
 * on a seeded database: attendance counts an event's valid tickets (eventId, revokedAt IS
 * NULL). By (eventId) alone MySQL read every row of the event, and for an event with a
 * quarter of all tickets chose to read the whole table; (eventId, revokedAt) counts from
 * the index alone.
 */
export class ListIndexes1766200000000 implements MigrationInterface {
  name = "ListIndexes1766200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("tickets", index("IDX_tickets_event_revoked", ["eventId", "revokedAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("tickets", "IDX_tickets_event_revoked");
  }
}
