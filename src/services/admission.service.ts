import { AdmissionEntity, EventEntity, TicketEntity } from "../entities";
import { affectedRows } from "../database";
import { judgeScan, showsTicket, type AdmissionResult, type DenialReason } from "./admission-rules";
import type { Caller } from "./caller";
import type { ServiceDeps } from "./deps";
import type { EventService } from "./event.service";
import { requireGate } from "./guards";
import { newId } from "./ids";
import type { TicketService, TicketView } from "./ticket.service";
import { requireText } from "./validation";
import { countWrongCode, refuseWhileOverLimit } from "./wrong-code-limit";

export interface AdmissionDecision {
  result: AdmissionResult;
  reason: DenialReason | null;
  ticket: TicketView | null;
  admittedCount: number;
  at: Date;
}

/**
 * The gate: a scanned ticket code is admitted or denied by the rules in
 * admission-rules.ts, every scan is recorded, and the event's gates and shop hear each
 * decision live.
 */
export class AdmissionService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: EventService,
    private readonly tickets: TicketService,
  ) {}

  /**
   * The gate's question. A denial is an answer, not an error. An admission takes one use
   * with a conditional UPDATE (right version, not revoked, a use left), so of several
   * gates scanning one code at the same instant exactly one admits each use.
   */
  async admitTicket(caller: Caller, code: string, eventId: string, gate: string | null): Promise<AdmissionDecision> {
    const { partnerId, apiKeyId } = requireGate(caller);
    refuseWhileOverLimit(this.deps, apiKeyId);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    const gateName = gate ? requireText(gate, "gate", 50) : null;
    const now = this.deps.clock.now();
    const claims = this.deps.tickets.verify(code.trim());
    const ticket = claims && (await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: claims.t })));
    const judgement = judgeScan({ claims, ticket, partnerId, eventId: event.id, now });
    // Guessing is counted, and over the limit answered RATE_LIMITED with nothing recorded.
    if (judgement.denied && judgement.wrongCode) await countWrongCode(this.deps, apiKeyId);

    const decision = await this.deps.db.tx(async (m): Promise<AdmissionDecision> => {
      let reason: DenialReason | null = judgement.denied;
      if (judgement.denied === null) {
        const used = await m
          .createQueryBuilder()
          .update(TicketEntity)
          .set({ usesLeft: () => "usesLeft - 1" })
          .where("id = :id AND usesLeft > 0 AND holderVersion = :version AND revokedAt IS NULL", {
            id: judgement.ticket.id,
            version: judgement.claims.v,
          })
          .execute();
        if (affectedRows(used) === 1) {
          await m.createQueryBuilder().update(EventEntity).set({ admittedCount: () => "admittedCount + 1" }).where("id = :id", { id: event.id }).execute();
        } else reason = "ALREADY_USED";
      }
      const result = reason ? "DENIED" : "ADMITTED";
      await m.insert(AdmissionEntity, { id: newId(), eventId: event.id, ticketId: ticket?.id ?? null, gate: gateName, result, reason, at: now });
      const { admittedCount } = await m.findOneByOrFail(EventEntity, { id: event.id });
      const shown = ticket && showsTicket(reason) ? await this.tickets.viewIn(m, ticket.id) : null;
      return { result, reason, ticket: shown, admittedCount, at: now };
    });
    this.deps.events.admission(event.id, decision);
    return decision;
  }
}
