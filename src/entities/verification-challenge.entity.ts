import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { VerificationPurpose } from "./value-lists";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A WebAuthn challenge the server gave a customer's phone: for registering a passkey or
 * for one user verification. Taken once, before its expiry, by a conditional UPDATE on
 * `usedAt`: a replayed assertion finds its challenge used.
 */
@Entity({ name: "verification_challenges" })
@Index("UQ_verification_challenges_challenge", ["challenge"], { unique: true })
@Index("IDX_verification_challenges_expiry", ["expiresAt"])
export class VerificationChallengeEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 12 }) purpose: VerificationPurpose;
  /** base64url, as the browser echoes it in clientDataJSON. */
  @Column({ type: "varchar", length: 100 }) challenge: string;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) usedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
