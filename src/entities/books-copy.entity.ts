import { Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A partner or store that keeps a copy of the books: the books.sealed webhook goes to it
 * (views/books-copies.service.ts). `dueAt` is the earliest it gets the next one, and
 * `messageId` its last outbox message, so one still waiting is not joined by another.
 */
@Entity({ name: "books_copies" })
@Index("IDX_books_copies_due", ["dueAt"])
export class BooksCopyEntity {
  /** The webhook's destination: "partner:<id>" or "store:<id>". */
  @PrimaryColumn({ type: "varchar", length: 100 }) destination: string;
  @TimeColumn() dueAt: Date;
  @IdColumn({ nullable: true }) messageId: string | null;
  @TimeColumn() createdAt: Date;
}
