import { Entity, PrimaryColumn, Column, Index } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * What a notice about a member's own points tells, as facts, so each phone words it in
 * its own language (services/members/member-notices.ts).
 */
export type MemberNotice =
  | { kind: "POINTS_EARNED"; programName: string; points: number; balance: number; storeName: string }
  | { kind: "POINTS_ADJUSTED"; programName: string; points: number; balance: number; reason: string };

/** Direct mail from a program to its members, and notices about their points. */
@Entity({ name: "messages" })
@Index("IDX_messages_program", ["programId"])
export class MessageEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() programId: string;
  @Column({ type: "varchar", length: 100 }) title: string;
  @Column({ type: "text" }) body: string;
  @TimeColumn() sentAt: Date;
  /** A notice about the member's own points, as facts (member-notices.ts); null for a program's mail. */
  @Column({ type: "simple-json", nullable: true }) notice: MemberNotice | null;
}

/** One message in one member's inbox. */
@Entity({ name: "inbox_entries" })
@Index("UQ_inbox_message_customer", ["messageId", "customerId"], { unique: true })
@Index("IDX_inbox_customer", ["customerId", "id"])
// What a program already sent each member lately (the per-member cap).
@Index("IDX_inbox_program_recent", ["programId", "createdAt", "customerId"])
export class InboxEntryEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @IdColumn() messageId: string;
  /** The message's program (null only on entries written before it was recorded). */
  @IdColumn({ nullable: true }) programId: string | null;
  @IdColumn() customerId: string;
  @TimeColumn({ nullable: true }) readAt: Date | null;
  @TimeColumn() createdAt: Date;
  /** 1: a notice about the member's own points (earned, adjusted), not direct mail: the program's cap does not count it. */
  @Column({ type: "int", default: 0 }) notice: number;
}
