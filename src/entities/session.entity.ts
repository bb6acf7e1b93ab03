import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/** A phone's login. Only the SHA-256 of the bearer token is kept. */
@Entity({ name: "customer_sessions" })
@Index("UQ_sessions_token", ["tokenHash"], { unique: true })
@Index("IDX_sessions_customer", ["customerId"])
@Index("IDX_sessions_expires", ["expiresAt"])
@Index("IDX_sessions_revoked", ["revokedAt"])
export class SessionEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 64 }) tokenHash: string;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
