import { Entity, PrimaryColumn, Column } from "typeorm";
import { TimeColumn } from "./columns";

@Entity({ name: "partners" })
export class PartnerEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "varchar", length: 500, nullable: true }) webhookUrl: string | null;
  @TimeColumn() createdAt: Date;
}
