import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, str, text, time } from "./table-columns";

/** Phones' Web Push subscriptions (entities/push-subscription.entity.ts). */
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
          time("lastPushedAt", true),
        ],
        indices: [
          index("UQ_push_subscriptions_endpoint", ["endpointHash"], true),
          index("IDX_push_subscriptions_customer", ["customerId"]),
          index("IDX_push_subscriptions_session", ["sessionId"]),
          index("IDX_push_subscriptions_device", ["deviceId"]),
        ],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("push_subscriptions", true);
  }
}
