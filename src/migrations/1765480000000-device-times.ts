import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/**
 * Devices by registration and revocation time: a gate's snapshot refresh reads the
 * devices registered or revoked since its last, whose keys sign (or no longer sign) the
 * compact rotating (T4) codes of their owners' tickets.
 */
export class DeviceTimes1765480000000 implements MigrationInterface {
  name = "DeviceTimes1765480000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("devices", index("IDX_devices_created", ["createdAt"]));
    await queryRunner.createIndex("devices", index("IDX_devices_revoked", ["revokedAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("devices", "IDX_devices_revoked");
    await queryRunner.dropIndex("devices", "IDX_devices_created");
  }
}
