import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, str, text, time } from "./table-columns";

/**
 * Phones' Web Push subscriptions (entities/push-subscription.entity.ts), and the
 * reminders told once each (entities/push-reminder.entity.ts).
 */
export class PushSubscriptions1765600000000 implements MigrationInterface {
  name = "PushSubscriptions1765600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "push_subscriptions",
        columns: [
          id(),
          id("customerId"),
          id("sessionId"),
          id("deviceId", true),
          str("endpointHash", 64),
          text("endpoint"),
          str("p256dh", 200),
          str("auth", 100),
          str("label", 100),
          time("createdAt"),
          time("expiresAt"),
          time("lastPushedAt", true),
        ],
        indices: [
          index("UQ_push_subscriptions_endpoint", ["endpointHash"], true),
          index("IDX_push_subscriptions_customer", ["customerId"]),
          index("IDX_push_subscriptions_session", ["sessionId"]),
          index("IDX_push_subscriptions_device", ["deviceId"]),
          index("IDX_push_subscriptions_expires", ["expiresAt"]),
        ],
      }),
      false,
      false,
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "push_reminders",
        columns: [id(), str("kind", 20), id("objectId"), int("version"), time("createdAt")],
        indices: [index("UQ_push_reminders_object", ["kind", "objectId", "version"], true), index("IDX_push_reminders_created", ["createdAt"])],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("push_reminders", true);
    await queryRunner.dropTable("push_subscriptions", true);
  }
}
