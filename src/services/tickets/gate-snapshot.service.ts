import { listsOf, namingListsOf, type CheckInListView } from "./check-in-lists";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput } from "../kernel/errors";
import type { TicketEventService } from "./ticket-event.service";
import { requireGate } from "../kernel/guards";
import type { RotatingKey } from "../crypto/ticket-signer";
import { holderKeys } from "./rotating-keys";
import { decodeSnapshotCursor, encodeSnapshotCursor } from "./gate-snapshot-cursor";
import { snapshotRows, type SnapshotRow } from "./gate-snapshot-rows";

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
  /** The walk's: its first page's, which each later page answers again. */
  asOf: Date;
  signingKeys: readonly string[];
  allowReentry: boolean;
  tickets: GateTicket[];
  revokedTicketIds: string[];
  /** The event's check-in lists, whole each time (a handful). */
  checkInLists: CheckInListView[];
  /** Pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
}

/** Tickets (revoked ones included) a page holds unless the gate asks for fewer, and at most. */
export const SNAPSHOT_PAGE = { default: 2_000, max: 5_000 };

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
 *
 * One page at a time, in ticket id order (revoked ids with their tickets), `first`
 * tickets a page, so no answer grows with the event: a gate passes `nextCursor` as
 * `after` until it is null, with the same `since`. A caller that stops at the first page
 * has only that page's tickets. Pages are read one after another, not at one instant, so
 * every page of a walk answers the first page's `asOf`: a ticket that changes while the
 * walk goes on (one already passed included) has changed after it, and the gate's next
 * refresh since that `asOf` brings it.
 */
export class GateSnapshotService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
  ) {}

  async gateSnapshot(caller: Caller, eventId: string, since: Date | null, first: number = SNAPSHOT_PAGE.default, after: string | null = null): Promise<GateSnapshot> {
    const { partnerId } = requireGate(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    if (since && Number.isNaN(since.getTime())) badInput("since must be a time", { field: "since" });
    if (!Number.isInteger(first) || first < 1 || first > SNAPSHOT_PAGE.max) badInput(`first must be 1 to ${SNAPSHOT_PAGE.max}`, { field: "first" });
    const now = this.deps.clock.now();
    const cursor = after === null ? null : decodeSnapshotCursor(after, now);
    const asOf = cursor?.asOf ?? new Date(now.getTime() - SNAPSHOT_OVERLAP_MS);
    const read = await snapshotRows(this.deps.db, event.id, since, cursor?.lastId ?? "", first + 1);
    const rows = read.slice(0, first);
    const usable = rows.filter((t) => !t.revokedAt);
    const { keys, lists, named } = await this.deps.db.read(async (m) => {
      const lists = await listsOf(m, event.id);
      return { lists, keys: await holderKeys(m, usable, true), named: await namingListsOf(m, lists, usable.map((t) => t.id)) };
    });
    return {
      eventId: event.id,
      asOf,
      signingKeys: this.deps.ticketSigner.publicKeyPems,
      allowReentry: event.allowReentry === 1,
      tickets: usable.map((t) => gateTicketOf(t, keys.get(t.id) ?? [], named.get(t.id) ?? [])),
      revokedTicketIds: rows.filter((t) => t.revokedAt).map((t) => t.id),
      checkInLists: lists,
      nextCursor: read.length > first ? encodeSnapshotCursor({ asOf, lastId: rows[rows.length - 1].id }) : null,
    };
  }
}

const gateTicketOf = (t: SnapshotRow, rotatingKeys: RotatingKey[], checkInListIds: string[]): GateTicket => ({
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
