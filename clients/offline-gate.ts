import { afterDecision, decideScan, showsTicket, type AdmissionResult, type CheckInListRule, type Decision, type DenialReason, type TicketState } from "./wire/admission-rules";
import { WalletApiError } from "./common";
import { snapshotPages, type Admission, type GateAdmission, type GateClient, type GateSnapshot, type GateTicket, type OfflineScanInput } from "./gate";
import { scannedAhead } from "./wire/scan-time";
import { TicketCodeVerifier, type RotatingKey, type RotatingTicketKeys } from "./wire/ticket-code";

/** A decision the gate made itself, from its snapshot. */
export interface OfflineDecision {
  result: AdmissionResult;
  reason: DenialReason | null;
  ticketId: string | null;
  at: string;
  /** With ALREADY_USED: when the gate knows the last use was taken, and where if it was taken here. */
  firstUsedAt: string | null;
  firstUsedGate: string | null;
  /** The ticket's seat, as the snapshot has it, when the verdict shows the ticket (as the server's answer does). */
  seat: string | null;
  /** The attendee's name, as the snapshot has it, shown with the seat. */
  attendeeName: string | null;
  /** ADMITTED without taking a use: back in after an exit, at an event that allows re-entry (the server counts no new visitor). */
  reentry: boolean;
}

/** The snapshot as the gate last saved it whole: after each refresh, with its own scans' effects in it. */
export interface SavedSnapshot {
  version: 1;
  eventId: string;
  gate: string;
  asOf: string | null;
  signingKeys: string[];
  allowReentry: boolean;
  tickets: TicketState[];
  revoked: string[];
  /** Each ticket's device keys for its compact rotating codes (T4); absent in a state saved before they existed. */
  rotatingKeys?: Array<[string, RotatingTicketKeys]>;
  /** Each seated ticket's seat; absent in a state saved before seats were kept. */
  seats?: Array<[string, string]>;
  /** Each ticket's number and attendee name, for the search offline; absent in a state saved before. */
  names?: Array<[string, TicketName]>;
  /** The event's check-in lists, and the one this gate scans for. */
  lists?: CheckInListRule[];
  listId?: string | null;
}

/** What the gate's search offline reads of a ticket. */
export interface TicketName {
  issueNumber: string;
  attendeeName: string | null;
}

/** A ticket the search found in the snapshot, as the server's search shows it (no phone number). */
export interface OfflineSearchHit extends TicketName {
  ticketId: string;
  seat: string | null;
  usesAllowed: number;
  usesLeft: number;
  inside: boolean;
  revoked: boolean;
}

/**
 * What changed since the snapshot was saved: small, so it is saved after every scan
 * without writing the event's tickets again (a snapshot of 20,000 tickets takes about
 * 150 ms to write to IndexedDB on a desktop).
 */
export interface SavedProgress {
  version: 1;
  /** The tickets this gate's scans changed since the snapshot was saved. */
  changed: TicketState[];
  /** When this gate took each use it took: a used ticket's last use is named as this gate's when the times agree. */
  ownUses: Array<[string, string]>;
  queue: OfflineScanInput[];
  aside: OfflineScanInput[];
}

/**
 * Everything an offline gate knows, as plain data a store keeps (IndexedDB in the web
 * app), so a reload, a closed tab or a restart resumes with the same snapshot and queue.
 */
export interface OfflineGateState {
  snapshot: SavedSnapshot;
  progress: SavedProgress;
}

export interface OfflineGateOptions {
  /**
   * Called after every change, and awaited before a decision is returned, so a scan
   * shown on the screen is one the store already has: with the progress each time, and
   * the snapshot too after a refresh (the two then belong in one write).
   */
  save?: (parts: { snapshot?: SavedSnapshot; progress: SavedProgress }) => Promise<void> | void;
  /** The check-in list this gate scans for (its rule applies, online and offline); none: the event's own entry. */
  listId?: string | null;
}

export interface ScanOptions {
  exit?: boolean;
  /** The gate's clock; now by default. */
  now?: Date;
}

/**
 * A gate that keeps scanning while its network is down, as pretixSCAN does. It keeps a
 * snapshot of the event (`refresh`), decides each scan with the server's own decision
 * (clients/wire/admission-rules.ts) and its verifier of the signature, keeps its own scans'
 * effects (a use taken, who is inside), and queues every scan; `sync` uploads the queue
 * (each scan counts once on the server however often it is sent) and empties it once
 * the server has answered.
 */
export class OfflineGate {
  private verifier = new TicketCodeVerifier([]);
  private signingKeys: string[] = [];
  private readonly tickets = new Map<string, TicketState>();
  /** The device keys that sign each ticket's compact rotating codes, as the latest snapshot of it says. */
  private readonly rotatingKeys = new Map<string, RotatingTicketKeys>();
  private readonly seats = new Map<string, string>();
  private readonly names = new Map<string, TicketName>();
  private lists: CheckInListRule[] = [];
  readonly listId: string | null;
  private readonly revoked = new Set<string>();
  private readonly changed = new Set<string>();
  private readonly ownUses = new Map<string, string>();
  private allowReentry = false;
  private asOf: string | null = null;
  private queue: OfflineScanInput[] = [];
  private aside: OfflineScanInput[] = [];

  constructor(
    private readonly client: GateClient,
    readonly eventId: string,
    readonly gate: string,
    private readonly options: OfflineGateOptions = {},
  ) {
    this.listId = options.listId ?? null;
  }

  /** A gate resumed from a saved state (`state()`, or the parts `save` was given), with its snapshot and its queue as they were. */
  static restore(client: GateClient, { snapshot, progress }: OfflineGateState, options: OfflineGateOptions = {}): OfflineGate {
    if (snapshot.version !== 1 || progress.version !== 1) throw new Error("a saved gate state of an unknown version");
    const gate = new OfflineGate(client, snapshot.eventId, snapshot.gate, { ...options, listId: options.listId ?? snapshot.listId ?? null });
    gate.signingKeys = [...snapshot.signingKeys];
    gate.verifier = new TicketCodeVerifier(gate.signingKeys);
    gate.allowReentry = snapshot.allowReentry;
    gate.asOf = snapshot.asOf;
    for (const ticket of snapshot.tickets) gate.tickets.set(ticket.id, revived(ticket));
    for (const id of snapshot.revoked) gate.revoked.add(id);
    for (const [id, keys] of snapshot.rotatingKeys ?? []) gate.rotatingKeys.set(id, keys);
    for (const [id, seat] of snapshot.seats ?? []) gate.seats.set(id, seat);
    for (const [id, name] of snapshot.names ?? []) gate.names.set(id, name);
    gate.lists = (snapshot.lists ?? []).map(revivedList);
    for (const ticket of progress.changed) {
      gate.tickets.set(ticket.id, revived(ticket));
      gate.changed.add(ticket.id);
    }
    for (const [id, at] of progress.ownUses) gate.ownUses.set(id, at);
    gate.queue = [...progress.queue];
    gate.aside = [...progress.aside];
    return gate;
  }

  /** All the gate knows, as plain data (dates as Date objects, which IndexedDB keeps as they are). */
  state(): OfflineGateState {
    return { snapshot: this.snapshotPart(), progress: this.progressPart() };
  }

  private snapshotPart(): SavedSnapshot {
    return {
      version: 1,
      eventId: this.eventId,
      gate: this.gate,
      asOf: this.asOf,
      signingKeys: [...this.signingKeys],
      allowReentry: this.allowReentry,
      tickets: [...this.tickets.values()],
      revoked: [...this.revoked],
      rotatingKeys: [...this.rotatingKeys],
      seats: [...this.seats],
      names: [...this.names],
      lists: [...this.lists],
      listId: this.listId,
    };
  }

  private progressPart(): SavedProgress {
    const changed = [...this.changed].flatMap((id) => this.tickets.get(id) ?? []);
    return { version: 1, changed, ownUses: [...this.ownUses], queue: [...this.queue], aside: [...this.aside] };
  }

  /** Saves the progress, and with `whole` the snapshot too (which then holds every change, so none is listed apart). */
  private async saved(whole = false): Promise<void> {
    if (!this.options.save) return;
    if (!whole) return this.options.save({ progress: this.progressPart() });
    const snapshot = this.snapshotPart();
    this.changed.clear();
    await this.options.save({ snapshot, progress: this.progressPart() });
  }

  /** Scans made offline and not yet accepted by the server. */
  get pending(): readonly OfflineScanInput[] {
    return this.queue;
  }

  /**
   * Scans the server refused because they were made with this gate's clock too far ahead
   * of its own (clients/wire/scan-time.ts): never counted. The gate's clock needs setting.
   */
  get refused(): readonly OfflineScanInput[] {
    return this.aside;
  }

  get snapshotAsOf(): string | null {
    return this.asOf;
  }

  /**
   * Syncs what is queued, then takes the tickets changed since the last snapshot (all of
   * them the first time), every page of them. The gate's asOf moves only once the last
   * page is in: a walk cut short leaves it where it was, so the next refresh asks again
   * for what the missing pages held.
   */
  async refresh(): Promise<void> {
    await this.sync();
    let asOf: string | null = null;
    for await (const page of snapshotPages(this.client, this.eventId, this.asOf)) {
      this.take(page);
      asOf = page.asOf;
    }
    this.asOf = asOf;
    await this.saved(true);
  }

  /** Takes a snapshot (the whole walk's tickets, or its last page after the others were taken) as the server gave it. */
  apply(snapshot: GateSnapshot): void {
    this.take(snapshot);
    this.asOf = snapshot.asOf;
  }

  /** A page's tickets, keys and lists, leaving the gate's asOf as it is. */
  private take(snapshot: GateSnapshot): void {
    if (snapshot.eventId !== this.eventId) throw new Error("a snapshot of another event");
    if (snapshot.signingKeys.join("\n") !== this.signingKeys.join("\n")) {
      this.signingKeys = [...snapshot.signingKeys];
      this.verifier = new TicketCodeVerifier(this.signingKeys);
    }
    this.allowReentry = snapshot.allowReentry;
    for (const ticket of snapshot.tickets) {
      this.revoked.delete(ticket.ticketId);
      // The windows this gate saw admit stay known: the snapshot does not carry them.
      const usedWindows = this.tickets.get(ticket.ticketId)?.usedWindows;
      this.tickets.set(ticket.ticketId, { ...stateOf(ticket, this.eventId), usedWindows });
      this.rotatingKeys.set(ticket.ticketId, keysOf(ticket));
      if (ticket.seat) this.seats.set(ticket.ticketId, ticket.seat);
      else this.seats.delete(ticket.ticketId);
      this.names.set(ticket.ticketId, { issueNumber: ticket.issueNumber, attendeeName: ticket.attendeeName ?? null });
    }
    this.lists = (snapshot.checkInLists ?? []).map(revivedList);
    for (const id of snapshot.revokedTicketIds) this.revoked.add(id);
  }

  /**
   * Decides a scan alone, as the server would on the same state, and queues it. The
   * ticket is read and changed after the signature check, in one step, so scans checked
   * at the same time still take its uses one by one.
   */
  async decide(code: string, options: ScanOptions = {}): Promise<OfflineDecision> {
    const now = options.now ?? new Date();
    const exit = Boolean(options.exit);
    const claims = await this.verifier.verify(code.trim(), now, (ticketId) => this.rotatingKeys.get(ticketId) ?? null);
    const ticket = claims ? this.ticketState(claims.t) : null;
    const offlineSince = this.asOf ? new Date(this.asOf) : null;
    const decision: Decision = decideScan({ claims, ticket, eventId: this.eventId, allowReentry: this.allowReentry, exit, now, offlineSince, list: this.list() });
    // The last use as it stood: this gate's own when it took a use at that very time.
    const lastUsedAt = ticket?.lastUsedAt?.toISOString() ?? null;
    const lastUsedHere = lastUsedAt !== null && this.ownUses.get(ticket!.id) === lastUsedAt;
    if (ticket && !this.revoked.has(ticket.id)) {
      const after = afterDecision(ticket, decision, now, claims?.w);
      if (after !== ticket) {
        this.tickets.set(ticket.id, after);
        this.changed.add(ticket.id);
      }
      if (decision.result === "ADMITTED" && decision.takesUse) this.ownUses.set(ticket.id, now.toISOString());
    }
    this.queue.push({ code: code.trim(), gate: this.gate, scannedAt: now.toISOString(), exit, snapshotAsOf: this.asOf, ...(this.listId && !exit ? { listId: this.listId } : {}) });
    await this.saved();
    const wrongCode = decision.result === "DENIED" && decision.wrongCode;
    const alreadyUsed = decision.result === "DENIED" && decision.reason === "ALREADY_USED";
    const shown = ticket && !wrongCode && showsTicket(decision.reason);
    return {
      result: decision.result,
      reason: decision.reason,
      ticketId: ticket && !wrongCode ? ticket.id : null,
      at: now.toISOString(),
      firstUsedAt: alreadyUsed ? lastUsedAt : null,
      firstUsedGate: alreadyUsed && lastUsedHere ? this.gate : null,
      seat: shown ? (this.seats.get(ticket.id) ?? null) : null,
      attendeeName: shown ? (this.names.get(ticket.id)?.attendeeName ?? null) : null,
      reentry: decision.result === "ADMITTED" && !decision.takesUse,
    };
  }

  /**
   * Asks the server while it answers; when the network fails, decides alone. A denial
   * or an error the server answered (WalletApiError) is passed on, never decided again.
   */
  async scan(code: string, options: ScanOptions = {}): Promise<Admission | GateAdmission | OfflineDecision> {
    try {
      return options.exit ? await this.client.exitTicket(code, this.eventId, this.gate) : await this.client.admitTicket(code, this.eventId, this.gate, this.listId);
    } catch (error) {
      if (error instanceof WalletApiError) throw error;
      return this.decide(code, options);
    }
  }

  /**
   * Uploads the queued scans; they stay queued if the network fails. Returns the server's
   * answers. When the server refuses the upload for scans made ahead of its clock, those
   * (by the server's time it names, and the same rule) are set aside in `refused`, so
   * the rest still upload rather than wait behind them.
   */
  async sync(): Promise<GateAdmission[]> {
    if (this.queue.length === 0) return [];
    const sent = firstUpload(this.queue);
    let answers: GateAdmission[];
    try {
      answers = await this.client.syncScans(this.eventId, sent);
    } catch (error) {
      const serverTime = error instanceof WalletApiError && error.extensions.field === "scannedAt" ? error.extensions.serverTime : undefined;
      if (typeof serverTime !== "string") throw error;
      const ahead = (scan: OfflineScanInput) => scannedAhead(new Date(String(scan.scannedAt)), new Date(serverTime));
      if (!this.queue.some(ahead)) throw error;
      this.aside.push(...this.queue.filter(ahead));
      this.queue = this.queue.filter((scan) => !ahead(scan));
      await this.saved();
      return this.sync();
    }
    this.queue = this.queue.slice(sent.length);
    await this.saved();
    return answers;
  }

  /** The check-in lists of the event, as the latest snapshot has them. */
  get checkInLists(): readonly CheckInListRule[] {
    return this.lists;
  }

  /**
   * The search for a visitor without a phone, from the snapshot: by a part of the
   * attendee's name (any case) or the ticket number, as the server searches. Admitting
   * the one found takes the network (admitTicketById, with the gate's key).
   */
  search(query: string, limit = 10): OfflineSearchHit[] {
    const asked = query.trim().replace(/\s+/g, " ").toLowerCase();
    if ([...asked].length < 2) return [];
    const hits: OfflineSearchHit[] = [];
    for (const [ticketId, name] of this.names) {
      if (name.issueNumber.toLowerCase() !== asked && !name.attendeeName?.toLowerCase().includes(asked)) continue;
      const ticket = this.tickets.get(ticketId);
      if (!ticket) continue;
      hits.push({ ticketId, ...name, seat: this.seats.get(ticketId) ?? null, usesAllowed: ticket.usesAllowed, usesLeft: ticket.usesLeft, inside: ticket.inside, revoked: this.revoked.has(ticketId) });
    }
    const key = (h: OfflineSearchHit) => `${h.attendeeName ?? ""}\u0000${h.issueNumber}`;
    return hits.sort((a, b) => key(a).localeCompare(key(b))).slice(0, limit);
  }

  private list(): CheckInListRule | null {
    return this.listId ? (this.lists.find((l) => l.id === this.listId) ?? { id: this.listId, allTickets: false, opensAt: null, closesAt: null }) : null;
  }

  private ticketState(ticketId: string): TicketState | null {
    const known = this.tickets.get(ticketId);
    if (this.revoked.has(ticketId)) return known ? { ...known, revoked: true } : revokedState(ticketId, this.eventId);
    return known ?? null;
  }
}

/** Scans per call at most. */
export const MAX_SCANS_PER_SYNC = 250;
/**
 * Bytes of scans per call at most, well under the server's default BODY_LIMIT (100 KB),
 * which refuses a larger upload whole: a compact code's scan is about 300 bytes of JSON,
 * a first-format rotating code's up to 800 (its credential carries the device's key).
 */
export const MAX_SYNC_BYTES = 64 * 1024;

/** The scans the next upload takes: the oldest, as many as fit (always at least one). */
function firstUpload(queue: readonly OfflineScanInput[]): OfflineScanInput[] {
  let bytes = 0;
  let count = 0;
  for (const scan of queue.slice(0, MAX_SCANS_PER_SYNC)) {
    bytes += JSON.stringify(scan).length + 1;
    if (count > 0 && bytes > MAX_SYNC_BYTES) break;
    count++;
  }
  return queue.slice(0, count);
}

const stateOf = (t: GateTicket, eventId: string): TicketState => ({
  id: t.ticketId,
  eventId,
  holderVersion: t.holderVersion,
  revoked: false,
  validFrom: new Date(t.validFrom),
  validUntil: new Date(t.validUntil),
  usesAllowed: t.usesAllowed,
  usesLeft: t.usesLeft,
  minMinutesBetweenUses: t.minMinutesBetweenUses,
  lastUsedAt: t.lastUsedAt ? new Date(t.lastUsedAt) : null,
  inside: t.inside,
  listIds: t.checkInListIds ?? [],
});

/** A list as the snapshot or a store gave it: its times as Date objects. */
const revivedList = (l: { id: string; allTickets: boolean; opensAt?: unknown; closesAt?: unknown }): CheckInListRule => ({
  id: l.id,
  allTickets: l.allTickets,
  opensAt: l.opensAt ? new Date(String(l.opensAt instanceof Date ? l.opensAt.toISOString() : l.opensAt)) : null,
  closesAt: l.closesAt ? new Date(String(l.closesAt instanceof Date ? l.closesAt.toISOString() : l.closesAt)) : null,
});

const seconds = (time: unknown) => Math.floor(new Date(String(time)).getTime() / 1000);

const keysOf = (t: GateTicket): RotatingTicketKeys => ({
  validFrom: seconds(t.validFrom),
  validUntil: seconds(t.validUntil),
  keys: (t.rotatingKeys ?? []).filter((k): k is RotatingKey => k.algorithm === "Ed25519" || k.algorithm === "ES256"),
});

/** A ticket as a store gave it back: its times as Date objects whether they were kept as dates or as text. */
const revived = (t: TicketState): TicketState => ({
  ...t,
  validFrom: new Date(t.validFrom),
  validUntil: new Date(t.validUntil),
  lastUsedAt: t.lastUsedAt ? new Date(t.lastUsedAt) : null,
  usedWindows: t.usedWindows ? [...t.usedWindows] : undefined,
  listIds: t.listIds ? [...t.listIds] : undefined,
});

/** A revoked ticket the gate never had: REVOKED is decided before anything else of it is read. */
const revokedState = (id: string, eventId: string): TicketState => ({
  id,
  eventId,
  holderVersion: 0,
  revoked: true,
  validFrom: new Date(0),
  validUntil: new Date(0),
  usesAllowed: 0,
  usesLeft: 0,
  minMinutesBetweenUses: null,
  lastUsedAt: null,
  inside: false,
});
