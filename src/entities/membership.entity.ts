import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** A customer's membership of one program; the balance is the sum of its point lots. */
@Entity({ name: "memberships" })
@Index("UQ_memberships_program_customer", ["programId", "customerId"], { unique: true })
@Index("UQ_memberships_number", ["memberNumber"], { unique: true })
@Index("IDX_memberships_customer", ["customerId"])
export class MembershipEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() programId: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 16 }) memberNumber: string;
  @TimeColumn() createdAt: Date;
  /** 1: the member lets the program's registers find them by phone number or customer number (docs/points.md); 0: only by a member code. */
  @Column({ type: "int", default: 0 }) lookupAllowed: number;
}
