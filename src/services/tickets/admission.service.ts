import type { ReceiptService } from "../books/receipts.service";
import { createHash } from "node:crypto";
import { In, type EntityManager } from "typeorm";
import { AdmissionEntity, DeviceEntity, EventEntity, TicketEntity } from "../../entities";
import { UNDO_MINUTES, type CheckInListRule } from "../../../clients/wire/admission-rules";
import type { CheckInListService } from "./check-in-list.service";
import { listIdsOf } from "./check-in-lists";
import { auditGate } from "./gate-audit";
import { giveBackUse, uncountVisitorUpdate, undoUpdate } from "./admission-undo";
import { isUniqueViolation, type Tx } from "../../database";
import { allowsReentry, decideScan, showsTicket, ticketStateOf, type AdmissionResult, type Decision, type DenialReason } from "./admission-rules";
import type { TicketClaims } from "../crypto/ticket-signer";
import { admittedVisitors, eventDayOf } from "./attendance";
import { TallyMoves, insideNow, standingForList } from "./tallies";
import { rotatingKeysOf } from "./rotating-keys";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, forbidden, notFound } from "../kernel/errors";
import type { TicketEventService } from "./ticket-event.service";
import { requireGate } from "../kernel/guards";
import { SCAN_MAX_AHEAD_SECONDS, scannedAhead } from "./scan-time";
import { newId } from "../kernel/ids";
import { byId } from "../kernel/status-table";
import { TICKET_MOVES } from "./ticket-states";
import type { ChangeHooks } from "../kernel/change-hooks";
import type { TicketService, TicketView } from "./ticket.service";
import { requireText } from "../kernel/validation";
import { takeCodeTry } from "../kernel/wrong-code-limit";

export interface AdmissionDecision {
  /** The recorded admission: a gate undoes it by this id. */
  id: string;
  result: AdmissionResult;
  reason: DenialReason | null;
  ticket: TicketView | null;
  /** Visitors admitted to the event so far (attendance.ts). */
  admittedCount: number;
  /** When the code was scanned. */
  at: Date;
  /** For ALREADY_USED: when the use that stands was taken. */
  firstUsedAt: Date | null;
  /** For ALREADY_USED: the gate that took the use that stands, when it gave its name. */
  firstUsedGate: string | null;
  /** True for a scan made offline and synced. */
  offline: boolean;
  /** The check-in list the gate scanned for. */
  listId: string | null;
  /** An admission its gate may still undo, until then; null otherwise. */
  undoableUntil: Date | null;
  /** When its gate undid it. */
  undoneAt: Date | null;
  /** Admitted by ticket id (a visitor without a phone), with the gate's key. */
  byTicketId: boolean;
}

/** A scan made while offline, as a gate uploads it. */
export interface OfflineScan {
  code: string;
  gate: string;
  scannedAt: Date;
  exit?: boolean | null;
  /** The snapshot the gate decided on (its asOf), when the gate says. */
  snapshotAsOf?: Date | null;
  /** The check-in list the gate scanned for. */
  listId?: string | null;
}

/** One scan to decide and record: shown now at a gate, or made offline and synced. */
interface Movement {
  code: string;
  gate: string | null;
  exit: boolean;
  at: Date;
  /** Synced scans only: the key that makes a scan count once however often it is sent. */
  scanKey: string | null;
  /** Synced scans only: the snapshot the gate decided on, or else the upload's time; a rotating code is judged by the gate's clock near it. */
  offlineSince: Date | null;
  /** The gate's API key. */
  gateKeyId: string;
  /** The check-in list scanned for, as its rule. */
  list: CheckInListRule | null;
  /** Admitted by ticket id rather than a code: the ticket. */
  byTicketId?: string;
}

export const MAX_SYNCED_SCANS = 1000;
/** Scan keys per query when an upload looks for the scans already recorded. */
const KNOWN_SCANS_PER_QUERY = 250;
/** Passed to record/decisionOf by an upload, which reads the event's count once at the end. */
const UNCOUNTED = false;
const ATTEMPTS = 3;

/**
 * The gate: a scanned ticket code is admitted, denied or let out by the one decision in
 * clients/wire/admission-rules.ts, every scan is recorded, and the event's gates and shop hear
 * each decision live. The database has the last word on a use: the conditional UPDATE
 * that takes it checks the decision's conditions again (a use left, the holder, not
 * revoked, not too soon after the last use), so of several gates scanning one code at
 * the same instant exactly one takes each use; the others are decided again on the row
 * as it is now.
 */
export class AdmissionService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
    private readonly tickets: TicketService,
    private readonly receipts: ReceiptService,
    private readonly lists: CheckInListService,
    private readonly changes: ChangeHooks,
  ) {}

  /** `listId`: the check-in list the gate scans for (its rule applies); none, the event's own entry. */
  async admitTicket(caller: Caller, code: string, eventId: string, gate: string | null, listId: string | null = null): Promise<AdmissionDecision> {
    return this.online(caller, code, eventId, gate, false, listId);
  }

  /** A visitor leaves; a gate never keeps one in, so any genuine code of the event's tickets is let out. */
  async exitTicket(caller: Caller, code: string, eventId: string, gate: string | null): Promise<AdmissionDecision> {
    return this.online(caller, code, eventId, gate, true, null);
  }

  /**
   * A visitor without a phone, found by the gate's search: admitted by the ticket's id
   * with the gate's key, by the same rule and the same conditional UPDATE as a code (the
   * holder version as it is now), recorded as such and audited.
   */
  async admitTicketById(caller: Caller, ticketId: string, eventId: string, gate: string | null, listId: string | null = null): Promise<AdmissionDecision> {
    const { partnerId, apiKeyId } = requireGate(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    const row = await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: ticketId }), { fresh: true });
    if (!row || row.partnerId !== partnerId || row.eventId !== event.id) return notFound("ticket");
    const list = listId ? await this.lists.ruleOf(event, listId) : null;
    const gateName = gate ? requireText(gate, "gate", 50) : null;
    const movement: Movement = { code: "", gate: gateName, exit: false, at: this.deps.clock.now(), scanKey: null, offlineSince: null, gateKeyId: apiKeyId, list, byTicketId: row.id };
    return this.record(partnerId, event, movement, null);
  }

  /**
   * The gate that admitted a visitor undoes it, within UNDO_MINUTES (a wrong ticket, a
   * double tap). One conditional UPDATE decides: the admission is ADMITTED, not undone
   * yet, made by this gate's key, scanned within the window; then, in the same
   * transaction, the use comes back to the ticket (TICKET_MOVES giveBack) and the day's
   * visitor passes to another admission of that day still standing. An undo racing a
   * new scan of the ticket is exact: the ticket's row orders them.
   */
  async undoAdmission(caller: Caller, admissionId: string): Promise<AdmissionDecision> {
    const { partnerId, apiKeyId } = requireGate(caller);
    const now = this.deps.clock.now();
    const outcome = await this.deps.db.tx(async (tx) => {
      const { isMysql } = this.deps.db;
      // Whether it counted a visitor, from the write that stops it counting (on the undo's own conditions), before the undo itself.
      const uncount = uncountVisitorUpdate(admissionId, apiKeyId, now);
      const uncounted = await tx.write(uncount.sql, uncount.params);
      const { sql, params } = undoUpdate(admissionId, apiKeyId, now);
      const undone = await tx.write(sql, params);
      const admission = await tx.findOneBy(AdmissionEntity, { id: admissionId });
      if (undone !== 1 || !admission) return { admission, undone: false };
      const moves = new TallyMoves(admission.eventId).gate(admission.gate, { admitted: -1, visitors: -uncounted });
      if (admission.ticketId) {
        await giveBackUse(tx, admission, now, isMysql, moves);
        if (admission.listId && (await standingForList(tx, admission.ticketId, admission.listId, isMysql)) === 0) moves.list(admission.listId, -1);
        // The use given back changes what the holder's pass shows, as taking it did.
        await this.changes.changed(tx, "ticket", admission.ticketId);
      }
      moves.atCommit(tx, isMysql);
      await auditGate(tx, { eventId: admission.eventId, apiKeyId, action: "UNDO", ticketId: admission.ticketId, at: now });
      return { admission, undone: true };
    });
    const { admission } = outcome;
    if (!admission || admission.gateKeyId !== apiKeyId) return notFound("admission");
    if (!outcome.undone) {
      if (admission.undoneAt) badInput("This admission is undone already");
      if (admission.result !== "ADMITTED") badInput("Only an admission can be undone");
      forbidden(`An admission can be undone only within ${UNDO_MINUTES} minutes`);
    }
    const event = await this.ticketEvents.ownEvent(partnerId, admission.eventId);
    const decision = await this.deps.db.read((m) => this.decisionOf(m, admission, event), { fresh: true });
    this.deps.events.admission(event.id, decision);
    return decision;
  }

  /**
   * Scans made offline, in any order and as often as the gate likes: each counts once
   * (by its key), and they are decided in scan-time order. When the ticket's uses were
   * taken by later scans (another offline gate, or an online one), the earlier scan
   * stands and the latest of those is turned into ALREADY_USED, with the time of the use
   * that stands; a gate syncing again reads its scan's answer as it is now.
   */
  async syncScans(caller: Caller, eventId: string, scans: OfflineScan[]): Promise<AdmissionDecision[]> {
    const { partnerId, apiKeyId } = requireGate(caller);
    if (scans.length > MAX_SYNCED_SCANS) badInput(`At most ${MAX_SYNCED_SCANS} scans at a time`, { field: "scans" });
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    const rules = new Map<string, CheckInListRule>();
    for (const listId of new Set(scans.flatMap((s) => (s.listId ? [s.listId] : [])))) rules.set(listId, await this.lists.ruleOf(event, listId));
    const uploadedAt = this.deps.clock.now();
    const movements = scans.map((scan, index): Movement & { index: number } => {
      const gate = requireText(scan.gate, "gate", 50);
      if (!(scan.scannedAt instanceof Date) || Number.isNaN(scan.scannedAt.getTime())) badInput("scannedAt must be a time", { field: "scannedAt", index });
      // Nothing of the upload is recorded: the gate's clock is wrong, and a use in the future would stand in every later one's way.
      if (scannedAhead(scan.scannedAt, uploadedAt)) {
        badInput(`scannedAt is more than ${SCAN_MAX_AHEAD_SECONDS} seconds ahead of the server's clock: set the gate's clock`, {
          field: "scannedAt",
          index,
          serverTime: uploadedAt.toISOString(),
        });
      }
      const snapshotAsOf = scan.snapshotAsOf ?? null;
      if (snapshotAsOf && (Number.isNaN(snapshotAsOf.getTime()) || scannedAhead(snapshotAsOf, uploadedAt))) {
        badInput("snapshotAsOf must be the asOf of a snapshot the server gave", { field: "snapshotAsOf", index, serverTime: uploadedAt.toISOString() });
      }
      const exit = Boolean(scan.exit);
      const code = scan.code.trim();
      const offlineSince = snapshotAsOf ?? uploadedAt;
      const list = scan.listId ? rules.get(scan.listId)! : null;
      return { index, code, gate, exit, at: scan.scannedAt, scanKey: scanKeyOf(code, gate, scan.scannedAt, exit), offlineSince, gateKeyId: apiKeyId, list };
    });
    // Scans an earlier upload recorded, read in one query rather than one each.
    const known = await this.recordedScans(movements.map((m) => m.scanKey!));
    const decisions: AdmissionDecision[] = new Array(scans.length);
    for (const movement of [...movements].sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index)) {
      const recorded = known.get(movement.scanKey!);
      decisions[movement.index] = recorded
        ? await this.deps.db.read((m) => this.decisionOf(m, recorded, event, UNCOUNTED))
        : await this.record(partnerId, event, movement, null, UNCOUNTED);
    }
    // The event's count is read once, after the upload, rather than after each scan: every
    // answer, and every live event, carries the count as the upload left it.
    const admittedCount = await this.deps.db.read((m) => admittedVisitors(m, event.id), { fresh: true });
    for (const decision of decisions) {
      decision.admittedCount = admittedCount;
      this.deps.events.admission(event.id, decision);
    }
    return decisions;
  }

  /** The admissions already recorded for these scan keys, by key. */
  private async recordedScans(scanKeys: string[]): Promise<Map<string, AdmissionEntity>> {
    const found = new Map<string, AdmissionEntity>();
    for (let i = 0; i < scanKeys.length; i += KNOWN_SCANS_PER_QUERY) {
      const page = scanKeys.slice(i, i + KNOWN_SCANS_PER_QUERY);
      const rows = await this.deps.db.read((m) => m.find(AdmissionEntity, { where: { scanKey: In(page) } }), { fresh: true });
      for (const row of rows) found.set(row.scanKey!, row);
    }
    return found;
  }

  private async online(caller: Caller, code: string, eventId: string, gate: string | null, exit: boolean, listId: string | null): Promise<AdmissionDecision> {
    const { partnerId, apiKeyId } = requireGate(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, eventId);
    const list = listId ? await this.lists.ruleOf(event, listId) : null;
    const gateName = gate ? requireText(gate, "gate", 50) : null;
    // The scan takes a try of the gate's wrong-code limit before its code is checked.
    const codeTry = await takeCodeTry(this.deps, apiKeyId);
    try {
      const movement: Movement = { code: code.trim(), gate: gateName, exit, at: this.deps.clock.now(), scanKey: null, offlineSince: null, gateKeyId: apiKeyId, list };
      return await this.record(partnerId, event, movement, codeTry);
    } catch (error) {
      await codeTry.giveBack();
      throw error;
    }
  }

  /**
   * A rotating code names the device it was made for: once that device is revoked (a
   * lost phone), its codes admit no one here, though an offline gate cannot know it yet.
   */
  private async unlessDeviceRevoked(claims: TicketClaims | null, decision: Decision): Promise<Decision> {
    if (!claims?.di || decision.result !== "ADMITTED") return decision;
    const device = await this.deps.db.read((m) => m.findOneBy(DeviceEntity, { id: claims.di! }));
    return device && !device.revokedAt ? decision : { result: "DENIED", reason: "INVALID", wrongCode: false };
  }

  /**
   * Decides one movement and records it; `codeTry` (online scans) is kept for a wrong
   * code, as guessing, and given back for any other. An online scan is answered with the event's count and told live here;
   * an upload's scans (`counted` false) are counted and told once the upload is done.
   * `windowTaken`: another admission holds this rotating code's window (the unique index
   * said so), so this one is ALREADY_USED.
   */
  private async record(
    partnerId: string,
    event: EventEntity,
    movement: Movement,
    codeTry: { giveBack(): Promise<void> } | null,
    counted = true,
    windowTaken = false,
  ): Promise<AdmissionDecision> {
    const claims = movement.byTicketId
      ? await this.claimsOfTicket(movement.byTicketId)
      : await this.deps.ticketSigner.verify(movement.code, movement.at, (id) => this.deps.db.read((m) => rotatingKeysOf(m, id)));
    const row = claims && (await this.deps.db.read((m) => m.findOneBy(TicketEntity, { id: claims.t })));
    // A list that names its tickets: whether it names this one (membership does not change after posting).
    const listIds = row && movement.list && !movement.list.allTickets ? ((await this.deps.db.read((m) => listIdsOf(m, [row.id]))).get(row.id) ?? []) : [];
    const first: Decision = windowTaken
      ? { result: "DENIED", reason: "ALREADY_USED", wrongCode: false }
      : await this.unlessDeviceRevoked(claims, this.decide(event, movement, claims, row, partnerId, listIds));
    if (codeTry && !(first.result === "DENIED" && first.wrongCode)) await codeTry.giveBack();
    // Only the gate's own shop's tickets are named in its records.
    const ticketId = row && ticketStateOf(row, partnerId) && !(first.result === "DENIED" && first.wrongCode) ? row.id : null;
    const spacingMs = (row?.minMinutesBetweenUses ?? 0) * 60_000;

    let decision: AdmissionDecision;
    try {
      decision = await this.deps.db.tx(async (tx) => {
        const { isMysql } = this.deps.db;
        const moves = new TallyMoves(event.id);
        let decided = first;
        let firstUsedAt: Date | null = null;
        let tookUse = false;
        // An entry or an exit writes the ticket's `inside`: read before and after (locked, on MySQL), it says how the tally moves.
        const insideBefore = ticketId && first.result !== "DENIED" ? await insideNow(tx, ticketId, isMysql) : null;
        for (let attempt = 1; ; attempt++) {
          const applied = ticketId ? await this.apply(tx, movement, decided, ticketId, claims!.v, spacingMs) : true;
          if (applied) {
            tookUse = decided.result === "ADMITTED" && decided.takesUse;
            break;
          }
          // Another gate changed the ticket first: decided again on the row as it is now.
          const now = await tx.findOne(TicketEntity, { where: { id: ticketId! }, lock: this.deps.db.isMysql ? { mode: "pessimistic_write" } : undefined });
          decided = this.decide(event, movement, claims, now, partnerId, listIds);
          if (attempt >= ATTEMPTS) decided = { result: "DENIED", reason: "ALREADY_USED", wrongCode: false };
        }
        if (insideBefore !== null) moves.gate(movement.gate, { inside: (await insideNow(tx, ticketId!, isMysql)) - insideBefore });
        if (decided.result === "DENIED" && decided.reason === "ALREADY_USED" && ticketId) {
          const stood = !windowTaken && (await this.earlierStands(tx, movement, ticketId, moves));
          if (stood) {
            decided = { result: "ADMITTED", reason: null, takesUse: true };
            tookUse = true;
          } else firstUsedAt = await this.lastStandingUse(tx, ticketId);
        }
        const countsVisitor = tookUse && ticketId ? await this.isNewVisitor(tx, event, ticketId, movement.at) : false;
        const admission = Object.assign(new AdmissionEntity(), {
          id: newId(),
          eventId: event.id,
          ticketId,
          gate: movement.gate,
          result: decided.result,
          reason: decided.reason,
          at: movement.at,
          tookUse: tookUse ? 1 : 0,
          countsVisitor: countsVisitor ? 1 : 0,
          visitDay: tookUse ? eventDayOf(event, movement.at) : null,
          firstUsedAt,
          scanKey: movement.scanKey,
          offline: movement.scanKey ? 1 : 0,
          // One window's code admits once: UQ_admissions_window refuses a second admission with it.
          codeWindow: decided.result === "ADMITTED" && claims?.w !== undefined ? claims.w : null,
          gateKeyId: movement.gateKeyId,
          undoneAt: null,
          listId: movement.list?.id ?? null,
          byTicketId: movement.byTicketId ? 1 : 0,
        });
        await tx.insert(AdmissionEntity, admission);
        if (admission.result === "ADMITTED") moves.gate(admission.gate, { admitted: 1, visitors: admission.countsVisitor });
        if (admission.result === "EXITED") moves.gate(admission.gate, { exited: 1 });
        // The list counts a ticket once: this admission is its first that stands.
        if (admission.result === "ADMITTED" && admission.listId && ticketId && (await standingForList(tx, ticketId, admission.listId, isMysql)) === 1) moves.list(admission.listId, 1);
        // Sent ahead of the answer's reads, so the event's count it carries has this scan in it.
        moves.defer(tx, isMysql);
        if (movement.byTicketId) await auditGate(tx, { eventId: event.id, apiKeyId: movement.gateKeyId, action: "ADMIT_BY_ID", ticketId, at: this.deps.clock.now() });
        // A use taken changes what the holder's pass shows (uses left, or used).
        if (tookUse && ticketId) await this.changes.changed(tx, "ticket", ticketId);
        // An entry or an exit the venue recorded gets its signed receipt, in the same transaction.
        if (ticketId && (admission.result === "ADMITTED" || admission.result === "EXITED")) {
          this.receipts.issue(
            tx,
            { kind: admission.result === "ADMITTED" ? "ticket.admitted" : "ticket.exited", objectId: admission.id, at: movement.at, eventId: event.id, ticketId, gate: movement.gate ?? undefined },
            {},
          );
        }
        return this.decisionOf(tx, admission, event, counted);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same offline scan sent twice at once: the other upload recorded it.
      const known = movement.scanKey ? await this.deps.db.read((m) => m.findOneBy(AdmissionEntity, { scanKey: movement.scanKey! }), { fresh: true }) : null;
      if (known) return this.deps.db.read((m) => this.decisionOf(m, known, event, counted));
      // Another gate admitted this rotating code's window first (the use taken here was rolled back with the insert).
      if (claims?.w === undefined || windowTaken) throw error;
      return this.record(partnerId, event, movement, null, counted, true);
    }
    if (counted) this.deps.events.admission(event.id, decision);
    return decision;
  }

  /**
   * What a code of the ticket as it is now would say, for an admission by ticket id: its
   * current holder version, valid as long as the ticket is. The gate's key vouches for the
   * visitor instead of a signature.
   */
  private async claimsOfTicket(ticketId: string): Promise<TicketClaims> {
    const row = await this.deps.db.read((m) => m.findOneByOrFail(TicketEntity, { id: ticketId }), { fresh: true });
    const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
    return { k: "", t: row.id, e: row.eventId, v: row.holderVersion, vf: seconds(row.validFrom), vu: seconds(row.validUntil), x: seconds(row.validUntil) + 1 };
  }

  private decide(event: EventEntity, movement: Movement, claims: Awaited<ReturnType<ServiceDeps["ticketSigner"]["verify"]>>, row: TicketEntity | null, partnerId: string, listIds: string[]): Decision {
    const state = ticketStateOf(row, partnerId);
    return decideScan({
      claims,
      ticket: state && { ...state, listIds },
      list: movement.list,
      eventId: event.id,
      allowReentry: allowsReentry(event),
      exit: movement.exit,
      now: movement.at,
      offlineSince: movement.offlineSince,
    });
  }

  /**
   * Writes what the decision does to the ticket, on the conditions it was decided on
   * (an entry by TICKET_MOVES); false when the row no longer meets them. An exit
   * moves no status and is never refused: a gate never keeps a visitor in. `inside`
   * follows the latest movement by scan time only, so synced scans arriving out of
   * order leave it as the latest one says.
   */
  private async apply(tx: Tx, movement: Movement, decision: Decision, ticketId: string, version: number, spacing: number): Promise<boolean> {
    const at = movement.at;
    const now = this.deps.clock.now();
    const latest = "(movedAt IS NULL OR movedAt <= ?)";
    if (decision.result === "EXITED") {
      await tx.write(`UPDATE tickets SET inside = CASE WHEN ${latest} THEN 0 ELSE inside END, updatedAt = ?, movedAt = CASE WHEN ${latest} THEN ? ELSE movedAt END WHERE id = ?`, [at, now, at, at, ticketId]);
      return true;
    }
    if (decision.result !== "ADMITTED") return true;
    const { sql, params } = decision.takesUse
      ? TICKET_MOVES.update("use", byId(ticketId), { at, now, version, spacingMs: spacing })
      : TICKET_MOVES.update("reenter", byId(ticketId), { at, now, version });
    return (await tx.write(sql, params)) === 1;
  }

  /**
   * A synced scan found no use left: if the latest use that stands was scanned after it,
   * that one is turned into ALREADY_USED (with this scan's time) and this one stands.
   */
  private async earlierStands(tx: Tx, movement: Movement, ticketId: string, moves: TallyMoves): Promise<boolean> {
    if (!movement.scanKey) return false;
    const [latest] = await tx.find(AdmissionEntity, { where: { ticketId, tookUse: 1 }, order: { at: "DESC", id: "DESC" }, take: 1 });
    if (!latest || latest.at <= movement.at) return false;
    // Whether it counted its day's visitor, from the write that stops it counting (the row as it is, not as read above).
    const uncounted = await tx.write("UPDATE admissions SET countsVisitor = 0 WHERE id = ? AND tookUse = 1 AND countsVisitor = 1", [latest.id]);
    const demoted = await tx.write("UPDATE admissions SET result = 'DENIED', reason = 'ALREADY_USED', tookUse = 0, countsVisitor = 0, visitDay = NULL, codeWindow = NULL, firstUsedAt = ? WHERE id = ? AND tookUse = 1", [
      movement.at,
      latest.id,
    ]);
    if (demoted !== 1) return false;
    moves.gate(latest.gate, { admitted: -1, visitors: -uncounted });
    if (latest.listId && (await standingForList(tx, ticketId, latest.listId, this.deps.db.isMysql)) === 0) moves.list(latest.listId, -1);
    // This scan's use now stands: the ticket's last use is it, or a later one that still stands.
    await tx.write("UPDATE tickets SET lastUsedAt = COALESCE((SELECT MAX(at) FROM admissions WHERE ticketId = ? AND tookUse = 1 AND at > ?), ?), updatedAt = ? WHERE id = ?", [
      ticketId,
      movement.at,
      movement.at,
      this.deps.clock.now(),
      ticketId,
    ]);
    if (uncounted === 1 && latest.visitDay !== null) {
      // The demoted admission counted its day's visitor: another of that day takes it over.
      const [other] = await tx.find(AdmissionEntity, { where: { ticketId, tookUse: 1, visitDay: latest.visitDay }, order: { at: "ASC" }, take: 1 });
      if (other) moves.gate(other.gate, { visitors: await tx.write("UPDATE admissions SET countsVisitor = 1 WHERE id = ? AND countsVisitor = 0", [other.id]) });
    }
    return true;
  }

  private async lastStandingUse(m: EntityManager, ticketId: string): Promise<Date | null> {
    const [latest] = await m.find(AdmissionEntity, { where: { ticketId, tookUse: 1 }, order: { at: "DESC", id: "DESC" }, take: 1 });
    return latest?.at ?? null;
  }

  /** The ticket's first admission on this event day counts a visitor. */
  private async isNewVisitor(m: EntityManager, event: EventEntity, ticketId: string, at: Date): Promise<boolean> {
    const counted = await m.countBy(AdmissionEntity, { ticketId, visitDay: eventDayOf(event, at), countsVisitor: 1 });
    return counted === 0;
  }

  /** The answer for a recorded admission; with `counted` false, its count is left for the caller to fill in. */
  private async decisionOf(m: EntityManager, admission: AdmissionEntity, event: EventEntity, counted = true): Promise<AdmissionDecision> {
    const shown = admission.ticketId && showsTicket(admission.reason) ? await this.tickets.viewIn(m, admission.ticketId, event) : null;
    const undoable = admission.result === "ADMITTED" && !admission.undoneAt && admission.gateKeyId !== null;
    return {
      id: admission.id,
      result: admission.result,
      reason: admission.reason,
      ticket: shown,
      admittedCount: counted ? await admittedVisitors(m, admission.eventId) : 0,
      at: admission.at,
      firstUsedAt: admission.firstUsedAt,
      firstUsedGate: admission.firstUsedAt && admission.ticketId ? await this.gateOfUse(m, admission.ticketId, admission.firstUsedAt) : null,
      offline: admission.offline === 1,
      listId: admission.listId,
      undoableUntil: undoable ? new Date(admission.at.getTime() + UNDO_MINUTES * 60_000) : null,
      undoneAt: admission.undoneAt,
      byTicketId: admission.byTicketId === 1,
    };
  }

  /** The gate of the ticket's use taken at that time (the admission that took it, or took it and was later demoted). */
  private async gateOfUse(m: EntityManager, ticketId: string, at: Date): Promise<string | null> {
    const [use] = await m.find(AdmissionEntity, { where: { ticketId, at }, order: { tookUse: "DESC", id: "ASC" }, take: 1 });
    return use?.gate ?? null;
  }
}

/** A scan's identity: the same code at the same gate at the same instant, entering or leaving. */
export const scanKeyOf = (code: string, gate: string, scannedAt: Date, exit: boolean): string =>
  createHash("sha256").update(JSON.stringify([code, gate, scannedAt.toISOString(), exit])).digest("hex");
