import { randomBytes } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { Tx } from "../../database";
import { isUniqueViolation } from "../../database";
import { CustomerEntity, EventEntity, MembershipEntity, ProgramEntity, WalletPassDeviceEntity, WalletPassEntity } from "../../entities";
import { safeEqual, sha256Hex } from "../crypto/tokens";
import type { OutboxService } from "../delivery/outbox.service";
import type { Approval } from "../kernel/approval";
import type { Caller } from "../kernel/caller";
import type { DeviceService } from "../devices/device.service";
import type { ChangeHooks, ChangedThing } from "../kernel/change-hooks";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import type { MembershipService } from "../members/membership.service";
import type { TicketService } from "../tickets/ticket.service";
import { ApnsClient } from "./apns";
import { applePass } from "./apple-pass";
import { GoogleWalletApi, googleObject, saveLink, type GoogleObject } from "./google-wallet";
import { passCredentials, type PassCredentials } from "./pass-credentials";
import { membershipFace, ticketFace, type PassFace } from "./pass-faces";

/** A ticket's or a membership's pass: exactly one of the two. */
export interface PassSubject {
  ticketId?: string | null;
  /** A membership's pass: the caller's membership of this program (as issueMemberCode names it). */
  programId?: string | null;
}

export interface ApplePassIssued {
  serialNumber: string;
  passTypeIdentifier: string;
  /** The signed .pkpass. */
  pkpass: Buffer;
  /** Where the phone's browser downloads the same pass (the pass's own token in the query). */
  downloadUrl: string;
}

export type LatestPass = { kind: "UNAUTHORIZED" } | { kind: "NOT_MODIFIED" } | { kind: "PASS"; pkpass: Buffer; lastModified: Date };

/** The outbox topics of update notices: an APNs push to one device, a PATCH of one Google object. */
export const APNS_TOPIC = "apns.push";
export const GOOGLE_TOPIC = "googlewallet.patch";

const DEVICE_ID = /^[\w.-]{1,128}$/;
const PUSH_TOKEN = /^[0-9a-fA-F]{16,200}$/;
const SERIAL = /^[\w-]{1,36}$/;

/**
 * Tickets and member cards in Apple and Google Wallet (docs/passes.md). A pass is made
 * for its holder on request, from the ticket or membership as it is at that moment, and
 * made again whenever Wallet asks for the latest (Apple's web service) or an update is
 * sent (Google's REST API). Tickets and points announce their changes through the
 * change hooks (kernel/change-hooks.ts), inside their own transaction: the passes of the
 * thing are marked changed and their notices (an APNs push per registered device, a
 * PATCH per Google object) go into the outbox with that commit, retried until delivered
 * or dead. An Apple pass's authentication token is kept only as its SHA-256, and made
 * anew each time the holder downloads the pass.
 */
export class WalletPassService {
  private resolved: PassCredentials | null = null;
  private apnsClient: ApnsClient | null = null;
  private googleApi: GoogleWalletApi | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly tickets: TicketService,
    private readonly memberships: MembershipService,
    private readonly outbox: OutboxService,
    private readonly devices: DeviceService,
    changes: ChangeHooks,
  ) {
    changes.listen((tx, thing, id) => this.changed(tx, thing, id));
    outbox.register(APNS_TOPIC, (payload, signal) => this.deliverPush(String(payload.pushToken), signal), () => "apns");
    outbox.register(GOOGLE_TOPIC, (payload, signal) => this.deliverGoogle(String(payload.passId), signal), () => "googlewallet");
  }

  /** The pass type this server signs (Apple's web service answers only for it). */
  get passTypeId(): string {
    return this.deps.config.wallet.apple.passTypeId;
  }

  /**
   * Reads the certificates and keys now: a production start says which Wallet is off,
   * and a certificate or key that cannot be read stops it. Development and tests read
   * (or generate) them only when a pass first needs them, so a start costs nothing.
   */
  prepare(): void {
    void this.credentials;
  }

  /** Certificates and keys, read (or, in development, generated) the first time a pass needs them. */
  private get credentials(): PassCredentials {
    this.resolved ??= passCredentials(this.deps.config, this.deps.logger);
    return this.resolved;
  }

  /**
   * A signed Apple pass of the caller's ticket (from its release time) or membership,
   * approved as a code is (the password or a device's proof): a ticket's pass carries a
   * code that admits.
   */
  async applePass(caller: Caller, subject: PassSubject, approval: Approval): Promise<ApplePassIssued> {
    const apple = this.credentials.apple ?? fail(ErrorCode.FORBIDDEN, "Apple Wallet passes are not set up on this server");
    const session = requireCustomer(caller);
    const { customerId } = session;
    const { kind, subjectId } = await this.ownSubject(customerId, subject);
    await this.devices.approve(session, approval, "appleWalletPass", { ticketId: subject.ticketId ?? null, programId: subject.programId ?? null });
    const token = randomBytes(32).toString("base64url");
    const pass = await this.passRow("APPLE", kind, subjectId, customerId, sha256Hex(token));
    const pkpass = applePass(await this.face(pass), this.issue(pass.id, token), apple);
    const { webServiceUrl } = this.deps.config.wallet.apple;
    return {
      serialNumber: pass.id,
      passTypeIdentifier: this.passTypeId,
      pkpass,
      downloadUrl: `${webServiceUrl}/v1/passes/${encodeURIComponent(this.passTypeId)}/${pass.id}?token=${token}`,
    };
  }

  /** A "Save to Google Wallet" link of the caller's ticket (from its release time) or membership, approved as `applePass` is. */
  async googleSaveLink(caller: Caller, subject: PassSubject, approval: Approval): Promise<{ url: string; objectId: string }> {
    const google = this.credentials.google ?? fail(ErrorCode.FORBIDDEN, "Google Wallet is not set up on this server");
    const session = requireCustomer(caller);
    const { customerId } = session;
    const { kind, subjectId } = await this.ownSubject(customerId, subject);
    await this.devices.approve(session, approval, "googleWalletLink", { ticketId: subject.ticketId ?? null, programId: subject.programId ?? null });
    const pass = await this.passRow("GOOGLE", kind, subjectId, customerId, null);
    const object = await this.googleObjectOf(pass);
    return { url: await saveLink(google, object, this.deps.clock.now()), objectId: String(object.object.id) };
  }

  /** Apple's web service: a device asks for a pass's updates (true: a new registration). Null: the token is wrong. */
  async registerDevice(deviceLibraryId: string, passTypeId: string, serial: string, token: string | null, pushToken: unknown): Promise<boolean | null> {
    if (!DEVICE_ID.test(deviceLibraryId)) return null;
    const pass = await this.authenticPass(passTypeId, serial, token);
    if (!pass) return null;
    if (typeof pushToken !== "string" || !PUSH_TOKEN.test(pushToken)) badInput("pushToken must be the device's APNs token (hex)", { field: "pushToken" });
    const row = { id: newId(), deviceLibraryId, pushToken: pushToken as string, passId: pass.id, createdAt: this.deps.clock.now() };
    try {
      await this.deps.db.tx((tx) => tx.insert(WalletPassDeviceEntity, row));
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Registered already: the device may have a new push token.
    await this.deps.db.tx((tx) => tx.write("UPDATE wallet_pass_devices SET pushToken = ? WHERE deviceLibraryId = ? AND passId = ?", [pushToken, deviceLibraryId, pass.id]));
    return false;
  }

  /** Apple's web service: the device no longer wants the pass's updates. False: the token is wrong. */
  async unregisterDevice(deviceLibraryId: string, passTypeId: string, serial: string, token: string | null): Promise<boolean> {
    const pass = await this.authenticPass(passTypeId, serial, token);
    if (!pass) return false;
    await this.deps.db.tx((tx) => tx.write("DELETE FROM wallet_pass_devices WHERE deviceLibraryId = ? AND passId = ?", [deviceLibraryId, pass.id]));
    return true;
  }

  /**
   * Apple's web service: the serial numbers of the device's passes changed after `since`
   * (the `lastUpdated` tag of an earlier answer: milliseconds), and the new tag; null
   * when none changed.
   */
  async updatedSerials(deviceLibraryId: string, passTypeId: string, since: string | null): Promise<{ serialNumbers: string[]; lastUpdated: string } | null> {
    if (passTypeId !== this.passTypeId || !DEVICE_ID.test(deviceLibraryId)) return null;
    const after = since && /^\d{1,15}$/.test(since) ? new Date(Number(since)) : null;
    const rows = await this.deps.db.select<{ id: string; changedAt: Date | string }>(
      `SELECT p.id AS id, p.changedAt AS changedAt FROM wallet_pass_devices d JOIN wallet_passes p ON p.id = d.passId WHERE d.deviceLibraryId = ?${after ? " AND p.changedAt > ?" : ""}`,
      after ? [deviceLibraryId, after] : [deviceLibraryId],
      { fresh: true },
    );
    if (rows.length === 0) return null;
    const last = Math.max(...rows.map((row) => timeOf(row.changedAt).getTime()));
    return { serialNumbers: rows.map((row) => row.id), lastUpdated: String(last) };
  }

  /** Apple's web service: the pass as it is now, unless it has not changed since `ifModifiedSince` (seconds, as HTTP dates go). */
  async latestPass(passTypeId: string, serial: string, token: string | null, ifModifiedSince: Date | null): Promise<LatestPass> {
    const apple = this.credentials.apple;
    const pass = apple && (await this.authenticPass(passTypeId, serial, token));
    if (!apple || !pass || !token) return { kind: "UNAUTHORIZED" };
    const lastModified = new Date(Math.floor(pass.changedAt.getTime() / 1000) * 1000);
    if (ifModifiedSince && lastModified <= ifModifiedSince) return { kind: "NOT_MODIFIED" };
    return { kind: "PASS", pkpass: applePass(await this.face(pass), this.issue(pass.id, token), apple), lastModified };
  }

  /** Apple's web service: what Wallet reports about its dealings with us (logged, shortened). */
  log(messages: unknown): void {
    const lines = Array.isArray(messages) ? messages.filter((line): line is string => typeof line === "string").slice(0, 20) : [];
    for (const line of lines) this.deps.logger.warn({ wallet: line.slice(0, 300) }, "Apple Wallet reported a problem");
  }

  /** Stops the APNs session (the server closing). */
  close(): void {
    this.apnsClient?.close();
  }

  /**
   * A ticket or membership changed, inside its transaction: its passes are marked
   * changed (Apple's "updated since" lists them) and each registered device and each
   * Google object gets its notice through the outbox, sent with this commit.
   */
  private async changed(tx: Tx, thing: ChangedThing, subjectId: string): Promise<void> {
    const kind = thing === "ticket" ? "TICKET" : "MEMBERSHIP";
    const passes = await tx.select<{ id: string; platform: string }>("SELECT id, platform FROM wallet_passes WHERE subjectId = ? AND subjectKind = ?", [subjectId, kind]);
    if (passes.length === 0) return;
    await tx.write("UPDATE wallet_passes SET changedAt = ? WHERE subjectId = ? AND subjectKind = ?", [this.deps.clock.now(), subjectId, kind]);
    const apple = passes.filter((pass) => pass.platform === "APPLE").map((pass) => pass.id);
    if (apple.length > 0) {
      const devices = await tx.select<{ pushToken: string }>(`SELECT DISTINCT pushToken FROM wallet_pass_devices WHERE passId IN (${apple.map(() => "?").join(", ")})`, apple);
      for (const { pushToken } of devices) this.outbox.send(tx, APNS_TOPIC, { pushToken });
    }
    for (const pass of passes) if (pass.platform === "GOOGLE") this.outbox.send(tx, GOOGLE_TOPIC, { passId: pass.id });
  }

  /** One update notice to one device; a token APNs calls gone takes its registrations with it. */
  private async deliverPush(pushToken: string, signal: AbortSignal): Promise<void> {
    const apple = this.credentials.apple ?? fail(ErrorCode.FORBIDDEN, "Apple Wallet passes are not set up on this server");
    const { apnsOrigin, apnsCa } = this.deps.config.wallet.apple;
    this.apnsClient ??= new ApnsClient({ origin: apnsOrigin, topic: this.passTypeId, credentials: apple, ca: apnsCa, allowPrivate: this.deps.config.webhookAllowPrivateTargets });
    const answer = await this.apnsClient.push(pushToken, signal);
    if (answer === "UNREGISTERED") {
      const removed = await this.deps.db.tx((tx) => tx.write("DELETE FROM wallet_pass_devices WHERE pushToken = ?", [pushToken]));
      this.deps.logger.info({ registrations: removed }, "APNs says a device's push token is gone: its pass registrations are removed");
    }
  }

  /** One Google object brought up to date; one its holder never saved needs nothing. */
  private async deliverGoogle(passId: string, signal: AbortSignal): Promise<void> {
    const google = this.credentials.google ?? fail(ErrorCode.FORBIDDEN, "Google Wallet is not set up on this server");
    const pass = await this.deps.db.read((m) => m.findOneBy(WalletPassEntity, { id: passId }));
    if (!pass) return;
    const { apiOrigin, tokenUrl } = this.deps.config.wallet.google;
    this.googleApi ??= new GoogleWalletApi(google, { apiOrigin, tokenUrl, allowPrivate: this.deps.config.webhookAllowPrivateTargets });
    await this.googleApi.patch(await this.googleObjectOf(pass), signal, this.deps.clock.now());
  }

  private async authenticPass(passTypeId: string, serial: string, token: string | null): Promise<WalletPassEntity | null> {
    if (passTypeId !== this.passTypeId || !SERIAL.test(serial) || !token) return null;
    const pass = await this.deps.db.read((m) => m.findOneBy(WalletPassEntity, { id: serial, platform: "APPLE" }), { fresh: true });
    if (!pass?.authTokenHash) return null;
    return safeEqual(sha256Hex(token), pass.authTokenHash) ? pass : null;
  }

  /** The ticket (held and released) or the membership (the caller's own) a pass is asked for. */
  private async ownSubject(customerId: string, subject: PassSubject): Promise<{ kind: "TICKET" | "MEMBERSHIP"; subjectId: string }> {
    if (Boolean(subject.ticketId) === Boolean(subject.programId)) badInput("Give a ticketId or a programId", { field: "ticketId" });
    if (subject.ticketId) {
      const { ticket } = await this.tickets.releasedTicket(customerId, subject.ticketId);
      return { kind: "TICKET", subjectId: ticket.id };
    }
    await this.deps.rateLimits.consume("codeIssuePerPhone", customerId);
    const membership = await this.deps.db.read((m) => m.findOneBy(MembershipEntity, { programId: subject.programId!, customerId }));
    if (!membership) return notFound("membership");
    return { kind: "MEMBERSHIP", subjectId: membership.id };
  }

  /** The holder's pass row of the subject on the platform, made on first request; an Apple pass gets the new token's hash. */
  private async passRow(platform: "APPLE" | "GOOGLE", kind: string, subjectId: string, customerId: string, tokenHash: string | null): Promise<WalletPassEntity> {
    const where = { platform, subjectKind: kind, subjectId, customerId };
    const now = this.deps.clock.now();
    const fresh = Object.assign(new WalletPassEntity(), { id: newId(), ...where, authTokenHash: tokenHash, changedAt: now, createdAt: now });
    try {
      await this.deps.db.tx((tx) => tx.insert(WalletPassEntity, fresh));
      return fresh;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    return this.deps.db.tx(async (tx) => {
      if (tokenHash) await tx.write("UPDATE wallet_passes SET authTokenHash = ? WHERE platform = ? AND subjectKind = ? AND subjectId = ? AND customerId = ?", [tokenHash, platform, kind, subjectId, customerId]);
      return tx.findOneByOrFail(WalletPassEntity, where);
    });
  }

  private issue(serialNumber: string, authenticationToken: string) {
    const { passTypeId, teamId, organization, webServiceUrl } = this.deps.config.wallet.apple;
    return { passTypeId, teamId, organization, serialNumber, webServiceUrl, authenticationToken };
  }

  /** What the pass shows now, for its holder. */
  private face(pass: WalletPassEntity): Promise<PassFace> {
    return this.deps.db.read((m) => this.faceIn(m, pass), { fresh: true });
  }

  private async faceIn(m: EntityManager, pass: WalletPassEntity): Promise<PassFace> {
    if (pass.subjectKind === "TICKET") {
      const view = await this.tickets.viewIn(m, pass.subjectId);
      const { phone } = await m.findOneByOrFail(CustomerEntity, { id: pass.customerId });
      return ticketFace(view.ticket, view.event, phone, () => this.tickets.passCode(view));
    }
    const membership = await m.findOneByOrFail(MembershipEntity, { id: pass.subjectId });
    const program = await m.findOneByOrFail(ProgramEntity, { id: membership.programId });
    return membershipFace(await this.memberships.view(m, membership, program));
  }

  private async googleObjectOf(pass: WalletPassEntity): Promise<GoogleObject> {
    const google = this.credentials.google!;
    return this.deps.db.read(
      async (m) => {
        const face = await this.faceIn(m, pass);
        const ids = { issuerId: google.issuerId, objectId: pass.id, issuerName: this.deps.config.wallet.apple.organization };
        if (pass.subjectKind === "TICKET") {
          const view = await this.tickets.viewIn(m, pass.subjectId);
          const event: EventEntity = view.event;
          return googleObject(face, { ...ids, classId: `event-${event.id}`, venue: event.venue, startsAt: event.startsAt });
        }
        const membership = await m.findOneByOrFail(MembershipEntity, { id: pass.subjectId });
        return googleObject(face, { ...ids, classId: `program-${membership.programId}` });
      },
      { fresh: true },
    );
  }
}

/** A time column as a query returns it: a Date (MySQL) or text (SQLite). */
function timeOf(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value.includes("T") ? value : `${value.replace(" ", "T")}Z`);
}
