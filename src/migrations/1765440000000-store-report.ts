import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./table-columns";

/** A store's day is summed from its own rows: ledger entries and point movements by store and time. */
export class StoreReport1765440000000 implements MigrationInterface {
  name = "StoreReport1765440000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("ledger_entries", index("IDX_ledger_store_time", ["storeId", "createdAt"]));
    await queryRunner.createIndex("point_movements", index("IDX_point_movements_store_time", ["storeId", "createdAt"]));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("point_movements", "IDX_point_movements_store_time");
    await queryRunner.dropIndex("ledger_entries", "IDX_ledger_store_time");
  }
}
