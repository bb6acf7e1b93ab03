import { MoreThanOrEqual } from "typeorm";
import { TicketEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import type { TicketEventService } from "./ticket-event.service";
import { requireGate } from "../kernel/guards";

/** A ticket as an offline gate decides on it (clients/wire/admission-rules.ts reads the same). */
export interface GateTicket {
  ticketId: string;
  holderVersion: number;
  usesAllowed: number;
  usesLeft: number;
  validFrom: Date;
  validUntil: Date;
  minMinutesBetweenUses: number | null;
  lastUsedAt: Date | null;
  inside: boolean;
}

export interface GateSnapshot {
  eventId: string;
  asOf: Date;
  signingKeys: readonly string[];
  allowReentry: boolean;
  tickets: GateTicket[];
  revokedTicketIds: string[];
}

/**
 * A write stamps `updatedAt` from the clock before it commits; one still in flight when
 * a snapshot is read commits with a time before the snapshot's read. `asOf` is therefore
 * this much before the read, so a refresh since `asOf` takes such writes too (a ticket
 * may then come twice, which changes nothing).
 */
export const SNAPSHOT_OVERLAP_MS = 10_000;

/**
 * What a gate needs to admit alone while its network is down: the public keys (the
 * current one and the previous ones still accepted), each ticket's state, the revoked
 * tickets; all of them, or only those changed since an earlier snapshot's `asOf`.
 */
export class GateSnapshotService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
  ) {}

  async gateSnapshot(caller: Caller, eventId: string, since: Date | null): Promise<GateSnapshot> {
    const { partnerId } = requireGate(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    if (since && Number.isNaN(since.getTime())) badInput("since must be a time", { field: "since" });
    const asOf = new Date(this.deps.clock.now().getTime() - SNAPSHOT_OVERLAP_MS);
    const rows = await this.deps.db.read((m) =>
      m.find(TicketEntity, { where: { eventId: event.id, ...(since ? { updatedAt: MoreThanOrEqual(since) } : {}) }, order: { id: "ASC" } }),
    );
    return {
      eventId: event.id,
      asOf,
      signingKeys: this.deps.ticketSigner.publicKeyPems,
      allowReentry: event.allowReentry === 1,
      tickets: rows.filter((t) => !t.revokedAt).map(gateTicketOf),
      revokedTicketIds: rows.filter((t) => t.revokedAt).map((t) => t.id),
    };
  }
}

const gateTicketOf = (t: TicketEntity): GateTicket => ({
  ticketId: t.id,
  holderVersion: t.holderVersion,
  usesAllowed: t.usesAllowed,
  usesLeft: t.usesLeft,
  validFrom: t.validFrom,
  validUntil: t.validUntil,
  minMinutesBetweenUses: t.minMinutesBetweenUses,
  lastUsedAt: t.lastUsedAt,
  inside: t.inside === 1,
});
