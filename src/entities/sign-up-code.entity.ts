import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * A phone's request to sign up: the verification code sent to it by SMS, kept only as
 * a keyed hash, for ten minutes and five tries. A request for a phone number that is
 * already enrolled gets a row too, whose code is never sent, so both paths write alike.
 */
@Entity({ name: "sign_up_codes" })
@Index("IDX_sign_up_codes_phone", ["phone", "createdAt"])
@Index("IDX_sign_up_codes_expires", ["expiresAt"])
export class SignUpCodeEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 16 }) phone: string;
  @Column({ type: "varchar", length: 64 }) codeHash: string;
  @Column({ type: "int", default: 0 }) wrongTries: number;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) usedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
