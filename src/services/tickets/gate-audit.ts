import type { Tx } from "../../database";
import { GateAuditEntity } from "../../entities";
import { newId } from "../kernel/ids";

/** What a gate did by hand, kept for its shop: a search (how many it found, never what it asked), an admission by ticket id, an undo. */
export type GateAction = "SEARCH" | "ADMIT_BY_ID" | "UNDO";

export interface GateAuditFacts {
  eventId: string;
  apiKeyId: string;
  action: GateAction;
  ticketId?: string | null;
  hits?: number | null;
  at: Date;
}

/** Recorded in the transaction of what it audits, so the record exists exactly when the act does. */
export async function auditGate(tx: Tx, facts: GateAuditFacts): Promise<void> {
  await tx.insert(GateAuditEntity, { id: newId(), ticketId: null, hits: null, ...facts });
}
