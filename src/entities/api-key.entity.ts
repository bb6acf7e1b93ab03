import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import type { ApiKeyRole } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/** A terminal's or partner's key. Only the SHA-256 of the key is kept. */
@Entity({ name: "api_keys" })
@Index("UQ_api_keys_hash", ["keyHash"], { unique: true })
// The keys revoked lately, looked for twice a second by every instance (open-sockets.ts).
@Index("IDX_api_keys_revoked", ["revokedAt"])
export class ApiKeyEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 10 }) role: ApiKeyRole;
  /** A store for REGISTER; a partner for GATE and PARTNER. */
  @IdColumn() ownerId: string;
  @Column({ type: "varchar", length: 64 }) keyHash: string;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  /** Written at most once a minute per key and instance: a hint for the back office, not an audit log. */
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
