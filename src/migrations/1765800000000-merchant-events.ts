import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, text, time } from "./table-columns";

/**
 * The event list partners and stores catch up from (webhook_events), the indexes of the
 * payment, bill and ticket searches, and the mark the overdue sweep sets once per bill. Bills
 * already past their due date are marked as told: `bill.overdue` is for due dates that
 * pass from now on, not a flood of old ones.
 */
export class MerchantEvents1765800000000 implements MigrationInterface {
  name = "MerchantEvents1765800000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "webhook_events",
        columns: [id(), str("receiver", 100), str("type", 64), text("body"), time("createdAt"), time("redeliveredAt", true)],
        indices: [index("IDX_webhook_events_receiver", ["receiver", "id"]), index("IDX_webhook_events_created", ["createdAt"])],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createIndex("payments", index("IDX_payments_store_created", ["storeId", "createdAt", "id"]));
    await queryRunner.createIndex("payments", index("IDX_payments_store_status", ["storeId", "status", "createdAt", "id"]));
    await queryRunner.createIndex("payments", index("IDX_payments_store_reference", ["storeId", "reference", "createdAt", "id"]));
    await queryRunner.addColumn("bills", new TableColumn(time("overdueNotifiedAt", true)));
    await queryRunner.query("UPDATE bills SET overdueNotifiedAt = dueDate WHERE status = 'OPEN' AND dueDate < ?", [migrationNow(queryRunner)]);
    await queryRunner.createIndex("bills", index("IDX_bills_partner_created", ["partnerId", "createdAt", "id"]));
    await queryRunner.createIndex("bills", index("IDX_bills_partner_status", ["partnerId", "status", "createdAt", "id"]));
    await queryRunner.createIndex("bills", index("IDX_bills_overdue", ["overdueNotifiedAt", "status", "dueDate"]));
    await queryRunner.createIndex("tickets", index("IDX_tickets_partner_created", ["partnerId", "createdAt", "id"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("tickets", "IDX_tickets_partner_created");
    await queryRunner.dropIndex("bills", "IDX_bills_overdue");
    await queryRunner.dropIndex("bills", "IDX_bills_partner_status");
    await queryRunner.dropIndex("bills", "IDX_bills_partner_created");
    await queryRunner.dropColumn("bills", "overdueNotifiedAt");
    await queryRunner.dropIndex("payments", "IDX_payments_store_reference");
    await queryRunner.dropIndex("payments", "IDX_payments_store_status");
    await queryRunner.dropIndex("payments", "IDX_payments_store_created");
    await queryRunner.dropTable("webhook_events", true);
  }
}

/** The moment as each engine stores a datetime(3): SQLite as text, MySQL as a DATETIME. */
function migrationNow(queryRunner: QueryRunner): string | Date {
  const now = new Date();
  return queryRunner.connection.options.type === "better-sqlite3" ? now.toISOString().replace("T", " ").replace("Z", "") : now;
}
