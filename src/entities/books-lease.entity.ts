import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "./columns";

/** Who seals the books now, and until when: one row, taken and renewed by one conditional UPDATE. */
@Entity({ name: "books_lease" })
export class BooksLeaseEntity {
  @PrimaryColumn({ type: "varchar", length: 16 }) name: string;
  @Column({ type: "varchar", length: 64 }) holder: string;
  @TimeColumn() until: Date;
}
