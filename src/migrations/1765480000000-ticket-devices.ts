import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, index, int, time } from "./table-columns";

/**
 * The devices bound to a ticket for compact rotating (T4) codes, at a holder version; and
 * devices by revocation time, so a gate's refresh finds the keys revoked since its last.
 */
export class TicketDevices1765480000000 implements MigrationInterface {
  name = "TicketDevices1765480000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "ticket_devices",
        columns: [
          { ...id("ticketId"), isPrimary: true },
          { ...id("deviceId"), isPrimary: true },
          { ...int("holderVersion"), isPrimary: true },
          time("createdAt"),
        ],
      }),
    );
    await queryRunner.createIndex("devices", index("IDX_devices_revoked", ["revokedAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("devices", "IDX_devices_revoked");
    await queryRunner.dropTable("ticket_devices", true);
  }
}
