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
}
