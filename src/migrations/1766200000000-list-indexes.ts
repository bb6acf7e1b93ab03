import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * Two lists that a year of rows made slow, found by tests/integration/query-plans.test.ts
 * on a seeded database:
 *   - attendance counts an event's valid tickets (eventId, revokedAt IS NULL): by
 *     (eventId) alone MySQL read every row of the event, and for an event with a quarter
 *     of all tickets chose to read the whole table; (eventId, revokedAt) counts from the
 *     index alone.
 *   - a partner's bills by status, newest first (bills(status)), ordered by id: by
 *     (partnerId, status, createdAt, id) every bill of that status was sorted for each
 *     page; (partnerId, status, id) reads them in order and stops at the page.
 */
export class ListIndexes1766200000000 implements MigrationInterface {
  name = "ListIndexes1766200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("tickets", index("IDX_tickets_event_revoked", ["eventId", "revokedAt"]));
    await queryRunner.createIndex("bills", index("IDX_bills_partner_status_id", ["partnerId", "status", "id"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("bills", "IDX_bills_partner_status_id");
    await queryRunner.dropIndex("tickets", "IDX_tickets_event_revoked");
  }
}
