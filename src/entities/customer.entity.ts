import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { TimeColumn } from "./columns";

@Entity({ name: "customers" })
@Index("UQ_customers_phone", ["phone"], { unique: true })
export class CustomerEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 16 }) phone: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "varchar", length: 200, nullable: true }) address: string | null;
  @Column({ type: "varchar", length: 200 }) passwordHash: string;
  /** Payments above this wait for the phone's OK; null = never, 0 = always. */
  @Column({ type: "int", nullable: true }) confirmAbove: number | null;
  @TimeColumn() createdAt: Date;
  /** The payment PIN's hash (as the password's), where no authenticator can verify the customer; null: none set. */
  @Column({ type: "varchar", length: 200, nullable: true }) pinHash: string | null;
  /** Wrong payment PINs in a row, each taken by a conditional UPDATE before the PIN is checked; a right one resets it. */
  @Column({ type: "int", default: 0 }) pinWrongTries: number;
  /** The most the customer's payment codes may pay in a day, and how many (null: the operator's ceiling alone). */
  @Column({ type: "int", nullable: true }) dailyMaxAmount: number | null;
  @Column({ type: "int", nullable: true }) dailyMaxCount: number | null;
  /** The day (YYYY-MM-DD, DAILY_LIMIT_TIME_ZONE) dayAmount and dayCount count; another day's counts are read as 0. */
  @Column({ type: "varchar", length: 10, nullable: true }) spendDay: string | null;
  @Column({ type: "int", default: 0 }) dayAmount: number;
  @Column({ type: "int", default: 0 }) dayCount: number;
}
