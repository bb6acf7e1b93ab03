import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A Wallet pass handed to a customer: an Apple pass (its serial number is `id`) or a
 * Google Wallet object (`id` is its object id's suffix), of a ticket or a membership.
 * A ticket's pass belongs to its customer: while that customer's phone holds the ticket it
 * carries the code of the current holder version; once the ticket moves on (allotted,
 * revoked) it shows itself voided, and a take-back brings it back. `authTokenHash` is
 * the SHA-256 of the Apple pass's authentication token (the token itself is never kept);
 * `changedAt` is what Apple's "passes updated since" compares with.
 */
@Entity({ name: "wallet_passes" })
@Index("UQ_wallet_passes_holder", ["platform", "subjectKind", "subjectId", "customerId"], { unique: true })
@Index("IDX_wallet_passes_subject", ["subjectId"])
export class WalletPassEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  /** APPLE or GOOGLE. */
  @Column({ type: "varchar", length: 8 }) platform: string;
  /** TICKET or MEMBERSHIP. */
  @Column({ type: "varchar", length: 12 }) subjectKind: string;
  @IdColumn() subjectId: string;
  @IdColumn() customerId: string;
  @Column({ type: "varchar", length: 64, nullable: true }) authTokenHash: string | null;
  @TimeColumn() changedAt: Date;
  @TimeColumn() createdAt: Date;
}
