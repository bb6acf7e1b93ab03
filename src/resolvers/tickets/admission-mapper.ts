import type { Admission } from "../../schema/tickets/ticket.types";
import type { AdmissionDecision } from "../../services/tickets/admission.service";
import { toTicket } from "../mappers";

/** An admission decision as the schema shows it; a live event's (JSON: dates as strings) too. */
export const toAdmission = (d: AdmissionDecision): Admission => ({
  id: d.id,
  result: d.result,
  reason: d.reason,
  ticket: d.ticket && toTicket(d.ticket),
  admittedCount: d.admittedCount,
  at: d.at,
  firstUsedAt: d.firstUsedAt ?? null,
  firstUsedGate: d.firstUsedGate ?? null,
  offline: Boolean(d.offline),
  listId: d.listId ?? null,
  undoableUntil: d.undoableUntil ?? null,
  undoneAt: d.undoneAt ?? null,
  byTicketId: Boolean(d.byTicketId),
});
