import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, TimeColumn } from "./columns";

/**
 * A reminder the push domain has told (a bill due soon, a ticket whose codes are out),
 * once per object and version: its unique key decides, so two instances sweeping at once
 * tell it once (push/push-reminders.service.ts).
 */
@Entity({ name: "push_reminders" })
@Index("UQ_push_reminders_object", ["kind", "objectId", "version"], { unique: true })
@Index("IDX_push_reminders_created", ["createdAt"])
export class PushReminderEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 20 }) kind: string;
  @IdColumn() objectId: string;
  /** The ticket's holder version (a ticket given on is told again to its new holder); 0 for a bill. */
  @Column({ type: "int" }) version: number;
  @TimeColumn() createdAt: Date;
}
