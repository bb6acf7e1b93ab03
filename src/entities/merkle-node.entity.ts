import { Column, Entity, PrimaryColumn } from "typeorm";
import { BigIntPrimaryColumn } from "./big-int-column";

/**
 * A perfect subtree of the books: `level` 0 is a receipt's leaf hash, level l covers the
 * 2^l leaves from index·2^l. Written once, when its last leaf is sealed; every proof is
 * made of these.
 */
@Entity({ name: "merkle_nodes" })
export class MerkleNodeEntity {
  @PrimaryColumn({ type: "integer" }) level: number;
  @BigIntPrimaryColumn() idx: number;
  /** base64url of the 32-byte hash. */
  @Column({ type: "varchar", length: 43 }) hash: string;
}
