import { Entity, PrimaryColumn, Column } from "typeorm";
import { TimeColumn } from "./columns";

@Entity({ name: "stores" })
export class StoreEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "varchar", length: 3 }) currency: string;
  @Column({ type: "varchar", length: 36, nullable: true }) programId: string | null;
  @TimeColumn() createdAt: Date;
}
