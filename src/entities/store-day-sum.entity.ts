import { Entity, PrimaryColumn, Column } from "typeorm";
import { BigIntColumn } from "./big-int-column";

/**
 * A store's running sums for one of its days (its time zone's calendar date), which the
 * store's report and payouts read instead of summing its ledger, bills and point
 * movements on every call (services/kernel/store-day-sums.service.ts). Each is moved by a relative
 * upsert in the transaction of the row it sums. `kind` is a ledger entry type (SALE, VOID,
 * REFUND), a bill tender collected (BILL_CASH, BILL_CARD) or a point movement kind;
 * `institution` is the card institution of a ledger entry's payment, "" otherwise.
 * `shard`: each sum is kept in a few rows, one picked at random per write, so a busy
 * store's registers (on a multi-primary cluster, its nodes) do not all write one row;
 * the sum is theirs together.
 */
@Entity({ name: "store_day_sums" })
export class StoreDaySumEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) storeId: string;
  @PrimaryColumn({ type: "varchar", length: 10 }) day: string;
  @PrimaryColumn({ type: "varchar", length: 16 }) kind: string;
  @PrimaryColumn({ type: "varchar", length: 100 }) institution: string;
  @PrimaryColumn({ type: "int" }) shard: number;
  @Column({ type: "int", default: 0 }) count: number;
  @BigIntColumn({ default: 0 }) amount: number;
}
