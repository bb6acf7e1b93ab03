import { Entity, PrimaryColumn, Column } from "typeorm";
import { TimeColumn } from "./columns";

/**
 * A partner (store group HQ, biller, ticket shop). Its webhook secret is random, given
 * once by createPartner, and kept sealed under the webhook-secret key (key id beside it)
 * so that no server key rotation ever changes it.
 */
@Entity({ name: "partners" })
export class PartnerEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) id: string;
  @Column({ type: "varchar", length: 100 }) name: string;
  @Column({ type: "varchar", length: 500, nullable: true }) webhookUrl: string | null;
  /** Null only for a partner made before secrets were stored: its secret is then the one derived from CARD_KEY. */
  @Column({ type: "varchar", length: 200, nullable: true }) webhookSecretCiphertext: string | null;
  @Column({ type: "varchar", length: 16, nullable: true }) webhookSecretKeyId: string | null;
  @TimeColumn() createdAt: Date;
}
