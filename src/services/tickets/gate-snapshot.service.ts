import { MoreThanOrEqual } from "typeorm";
import { TicketEntity } from "../../entities";
import { listsOf, namingListsOf, type CheckInListView } from "./check-in-lists";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import type { TicketEventService } from "./ticket-event.service";
import { requireGate } from "../kernel/guards";
import type { RotatingKey } from "../crypto/ticket-signer";
import { holderKeys, ticketsWithDevicesChangedSince } from "./rotating-keys";

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
  /** Shown on the verdict, offline as online. */
  seat: string | null;
  /** The device keys that sign its compact rotating (T4) codes: its holder's devices, not revoked (rotating-keys.ts). */
  rotatingKeys: RotatingKey[];
  /** For the gate's search offline, and its verdict. */
  issueNumber: string;
  attendeeName: string | null;
  /** The check-in lists that name it. */
  checkInListIds: string[];
}

export interface GateSnapshot {
  eventId: string;
  asOf: Date;
  signingKeys: readonly string[];
  allowReentry: boolean;
  tickets: GateTicket[];
  revokedTicketIds: string[];
  /** The event's check-in lists, whole each time (a handful). */
  checkInLists: CheckInListView[];
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
 * current one and the previous ones still accepted), each ticket's state with the device
 * keys that sign its rotating codes, the revoked tickets; all of them, or only those
 * changed (or whose holder's devices changed) since an earlier snapshot's `asOf`.
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
    const { rows, keys, lists, named } = await this.deps.db.read(async (m) => {
      const changed = await m.find(TicketEntity, { where: { eventId: event.id, ...(since ? { updatedAt: MoreThanOrEqual(since) } : {}) }, order: { id: "ASC" } });
      // A holder's device registered or revoked since: the ticket comes again, with its keys as they are now.
      const seen = new Set(changed.map((t) => t.id));
      const rows = since ? [...changed, ...(await ticketsWithDevicesChangedSince(m, event.id, since)).filter((t) => !seen.has(t.id) && seen.add(t.id))] : changed;
      const usable = rows.filter((t) => !t.revokedAt);
      const lists = await listsOf(m, event.id);
      return { rows, keys: await holderKeys(m, usable, true), lists, named: await namingListsOf(m, lists, usable.map((t) => t.id)) };
    });
    return {
      eventId: event.id,
      asOf,
      signingKeys: this.deps.ticketSigner.publicKeyPems,
      allowReentry: event.allowReentry === 1,
      tickets: rows.filter((t) => !t.revokedAt).map((t) => gateTicketOf(t, keys.get(t.id) ?? [], named.get(t.id) ?? [])),
      revokedTicketIds: rows.filter((t) => t.revokedAt).map((t) => t.id),
      checkInLists: lists,
    };
  }
}

const gateTicketOf = (t: TicketEntity, rotatingKeys: RotatingKey[], checkInListIds: string[]): GateTicket => ({
  ticketId: t.id,
  holderVersion: t.holderVersion,
  usesAllowed: t.usesAllowed,
  usesLeft: t.usesLeft,
  validFrom: t.validFrom,
  validUntil: t.validUntil,
  minMinutesBetweenUses: t.minMinutesBetweenUses,
  lastUsedAt: t.lastUsedAt,
  inside: t.inside === 1,
  seat: t.seat,
  rotatingKeys,
  issueNumber: t.issueNumber,
  attendeeName: t.attendeeName,
  checkInListIds,
});
