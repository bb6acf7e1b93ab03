import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

export type IdempotencyState = "IN_PROGRESS" | "DONE";

/**
 * One row per (caller, key): the unique index decides which of two racing requests
 * does the work; the others replay its result, or get IDEMPOTENCY_CONFLICT when their
 * request differs (requestHash).
 */
@Entity({ name: "idempotency_records" })
@Index("UQ_idempotency_scope_key", ["scope", "idemKey"], { unique: true })
@Index("IDX_idempotency_created", ["createdAt"])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 64 }) scope: string;
  @Column({ type: "varchar", length: 128 }) idemKey: string;
  @Column({ type: "varchar", length: 32 }) operation: string;
  @Column({ type: "varchar", length: 64 }) requestHash: string;
  @Column({ type: "varchar", length: 12 }) state: IdempotencyState;
  @IdColumn({ nullable: true }) resultId: string | null;
  @Column({ type: "varchar", length: 32, nullable: true }) errorCode: string | null;
  @Column({ type: "varchar", length: 200, nullable: true }) errorMessage: string | null;
  @TimeColumn() createdAt: Date;
}
