import { Column, Entity } from "typeorm";
import { BigIntPrimaryColumn } from "./big-int-column";
import { TimeColumn } from "./columns";

/** A signed tree head of the books: their size and root at a moment (clients/wire/receipt.ts TreeHead). */
@Entity({ name: "tree_heads" })
export class TreeHeadEntity {
  @BigIntPrimaryColumn() size: number;
  /** base64url of the 32-byte root. */
  @Column({ type: "varchar", length: 43 }) root: string;
  @TimeColumn() at: Date;
  @Column({ type: "varchar", length: 16 }) keyId: string;
  @Column({ type: "varchar", length: 100 }) signature: string;
}
