import type { KeyObject } from "node:crypto";
import { LRUCache } from "lru-cache";
import { IsNull } from "typeorm";
import { CustomerEntity, DeviceEntity, PushSubscriptionEntity } from "../../entities";
import type { Approval, DeviceProof } from "../kernel/approval";
import type { Caller, CustomerCaller } from "../kernel/caller";
import type { DeviceAlgorithm } from "../../entities/value-lists";
import { deviceKeyFromDer, parseDevicePublicKey, verifyDeviceSignature } from "../crypto/device-keys";
import type { ServiceDeps } from "../kernel/deps";
import { MAX_PAYLOAD_CHARS, counterOf, firstDifference, proofText, type ProofArguments, type ProofOperation } from "./device-proof-text";
import { ErrorCode, WalletError, badInput, fail, notFound } from "../kernel/errors";
import { FREE_FAILURES_PER_SESSION, throttledCheck } from "../kernel/guess-throttle";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { confirmPassword } from "../access/password-check";
import { requireText } from "../kernel/validation";

/** Active (unrevoked) devices one customer may hold: a phone, a tablet, a spare, a browser or two. */
export const MAX_ACTIVE_DEVICES = 5;
/** The devices listed, oldest first; revoked ones stay listed, with revokedAt. */
const DEVICES_LISTED = 100;

/**
 * Takes the proof: only if the device is the caller's, still active, and the counter is
 * above the last one accepted. One statement decides, so of two proofs racing with the
 * same counter exactly one changes the row, and a revocation committed anywhere ends the
 * device at its next proof, whatever any instance has cached.
 */
const TAKE_PROOF = "UPDATE devices SET counter = ?, lastUsedAt = ? WHERE id = ? AND customerId = ? AND revokedAt IS NULL AND counter < ?";

/** What verifying a device's proofs needs, kept per device id: its public key never changes. */
interface CachedKey {
  customerId: string;
  algorithm: DeviceAlgorithm;
  key: KeyObject;
}

/** The refusals of a proof: each counted as a wrong attempt of the session (see refused). */
const PROOF_REFUSALS = new Set<ErrorCode>([
  ErrorCode.PROOF_INVALID,
  ErrorCode.PROOF_MISMATCH,
  ErrorCode.PROOF_REPLAYED,
  ErrorCode.DEVICE_UNKNOWN,
  ErrorCode.DEVICE_REVOKED,
]);

/**
 * A phone's own keys (entities/device.entity.ts): registered with the password, listed,
 * revoked; and the approval of a request, by the password or by a device's proof.
 *
 * A proof costs a signature check (tens of microseconds) and one conditional UPDATE,
 * never a password hash. Refusals answer the caller's own device as DEVICE_REVOKED;
 * a device id that is not the caller's, unknown or another customer's, is DEVICE_UNKNOWN
 * alike, so nobody learns whether someone else's device exists.
 */
export class DeviceService {
  private readonly keys = new LRUCache<string, CachedKey>({ max: 10_000 });

  constructor(private readonly deps: ServiceDeps) {}

  /** Registers a public key; the password is asked, once. DEVICE_LIMIT past MAX_ACTIVE_DEVICES. */
  async register(caller: Caller, name: string, publicKey: string, password: string): Promise<DeviceEntity> {
    const session = requireCustomer(caller);
    const { customerId } = session;
    const deviceName = requireText(name, "name", 50);
    const parsed =
      parseDevicePublicKey(publicKey.trim()) ??
      badInput("publicKey must be an Ed25519 or P-256 (ES256) public key: base64url of its SubjectPublicKeyInfo DER", { field: "publicKey" });
    // Checked before the password too, so a refusal costs no password hash.
    if ((await this.deps.db.read((m) => m.countBy(DeviceEntity, { customerId, revokedAt: IsNull() }))) >= MAX_ACTIVE_DEVICES) this.overLimit();
    await confirmPassword(this.deps, session, password);
    const device = Object.assign(new DeviceEntity(), {
      id: newId(),
      customerId,
      name: deviceName,
      algorithm: parsed.algorithm,
      publicKey: parsed.der,
      counter: 0,
      createdAt: this.deps.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.deps.db.tx(async (tx) => {
      // On MySQL, one registration of a customer at a time, so two racing ones cannot both
      // pass the count (SQLite runs transactions one at a time).
      if (this.deps.db.isMysql) {
        await tx.createQueryBuilder(CustomerEntity, "c").setLock("pessimistic_write").where("c.id = :customerId", { customerId }).getOne();
      }
      if ((await tx.countBy(DeviceEntity, { customerId, revokedAt: IsNull() })) >= MAX_ACTIVE_DEVICES) this.overLimit();
      await tx.insert(DeviceEntity, device);
    });
    return device;
  }

  /** The caller's devices, oldest first, revoked ones too. */
  async devices(caller: Caller): Promise<DeviceEntity[]> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.read((m) => m.find(DeviceEntity, { where: { customerId }, order: { createdAt: "ASC", id: "ASC" }, take: DEVICES_LISTED }));
  }

  /** One of the caller's own devices; NOT_FOUND for any other id. */
  async own(caller: Caller, deviceId: string): Promise<DeviceEntity> {
    const { customerId } = requireCustomer(caller);
    const device = await this.deps.db.read((m) => m.findOneBy(DeviceEntity, { id: deviceId, customerId }));
    return device ?? notFound("device");
  }

  /** Revokes one of the caller's devices, from any of their sessions; NOT_FOUND for any other id. */
  async revoke(caller: Caller, deviceId: string): Promise<DeviceEntity> {
    const { customerId } = requireCustomer(caller);
    const device = await this.deps.db.tx(async (tx) => {
      await tx.update(DeviceEntity, { id: deviceId, customerId, revokedAt: IsNull() }, { revokedAt: this.deps.clock.now() });
      // A lost phone's notifications stop with its key.
      await tx.delete(PushSubscriptionEntity, { deviceId, customerId });
      return tx.findOneBy(DeviceEntity, { id: deviceId, customerId });
    });
    if (!device) return notFound("device");
    this.keys.delete(deviceId);
    return device;
  }

  /**
   * The customer approves this request: by the password, or by a device's proof over
   * exactly this operation and these arguments (device-proof-text.ts).
   */
  async approve<O extends ProofOperation>(session: CustomerCaller, approval: Approval, operation: O, args: ProofArguments<O>): Promise<void> {
    await this.approvingDevice(session, approval, operation, args);
  }

  /** As `approve`; answers the device whose proof approved it (null for the password). */
  async approvingDevice<O extends ProofOperation>(session: CustomerCaller, approval: Approval, operation: O, args: ProofArguments<O>): Promise<string | null> {
    if (typeof approval === "string") {
      await confirmPassword(this.deps, session, approval);
      return null;
    }
    try {
      await this.takeProof(session, approval.proof, operation, args);
      return approval.proof.deviceId;
    } catch (error) {
      if (error instanceof WalletError && PROOF_REFUSALS.has(error.code)) await this.refused(session, approval.proof, error);
      throw error;
    }
  }

  private async takeProof<O extends ProofOperation>(session: CustomerCaller, proof: DeviceProof, operation: O, args: ProofArguments<O>): Promise<void> {
    const { deviceId, payload, signature } = proof;
    if (payload.length > MAX_PAYLOAD_CHARS) fail(ErrorCode.PROOF_MISMATCH, "The proof's payload is too long", { line: 1, field: "header" });
    const counter = counterOf(payload) ?? fail(ErrorCode.PROOF_MISMATCH, "The proof's payload names no counter on its fourth line", { line: 4, field: "counter" });
    const difference = firstDifference(payload, proofText(operation, args, deviceId, counter));
    if (difference) fail(ErrorCode.PROOF_MISMATCH, `The proof was made for another request: line ${difference.line} (${difference.field}) differs`, difference);
    const device = await this.keyOf(session, deviceId);
    if (!verifyDeviceSignature(device.algorithm, device.key, payload, signature)) fail(ErrorCode.PROOF_INVALID, "The proof's signature does not verify");
    const now = this.deps.clock.now();
    if ((await this.deps.db.write(TAKE_PROOF, [counter, now, deviceId, session.customerId, counter])) === 1) return;
    // Nothing changed: say why, from the row as it stands now.
    const row = await this.deps.db.read((m) => m.findOneBy(DeviceEntity, { id: deviceId, customerId: session.customerId }));
    if (!row) this.unknown();
    if (row!.revokedAt) this.revoked();
    fail(ErrorCode.PROOF_REPLAYED, "This proof's counter was used already: sign again with a greater one", { lastCounter: row!.counter });
  }

  /**
   * The device's key, from the cache or its row. A revoked device may stay cached: the
   * conditional UPDATE that takes a proof refuses it all the same.
   */
  private async keyOf(session: CustomerCaller, deviceId: string): Promise<CachedKey> {
    let cached = this.keys.get(deviceId);
    if (!cached) {
      // Our ids are 36 characters; a longer one is no device's (and is not worth a query).
      const row = deviceId.length <= 36 ? await this.deps.db.read((m) => m.findOneBy(DeviceEntity, { id: deviceId })) : null;
      if (!row || row.customerId !== session.customerId) return this.unknown();
      if (row.revokedAt) return this.revoked();
      cached = { customerId: row.customerId, algorithm: row.algorithm, key: deviceKeyFromDer(row.publicKey) };
      this.keys.set(deviceId, cached);
    }
    if (cached.customerId !== session.customerId) return this.unknown();
    return cached;
  }

  /**
   * A refused proof counts as a wrong attempt of the session, as a wrong password does
   * (guess-throttle.ts): past the free ones, each waits longer, so a stolen session can
   * neither probe device ids nor replay proofs freely. Logged with ids only.
   */
  private async refused(session: CustomerCaller, proof: DeviceProof, error: WalletError): Promise<void> {
    this.deps.logger.warn(
      { customerId: session.customerId, sessionId: session.sessionId, deviceId: String(proof.deviceId).slice(0, 36), reason: error.code },
      "device proof refused",
    );
    const { failures } = await throttledCheck([[this.deps.rateLimits.guessing.session, session.sessionId]], async () => false);
    error.details.attemptsLeft = Math.max(0, FREE_FAILURES_PER_SESSION - failures);
  }

  private unknown(): never {
    throw new WalletError(ErrorCode.DEVICE_UNKNOWN, "No such device is registered to this customer");
  }

  private revoked(): never {
    throw new WalletError(ErrorCode.DEVICE_REVOKED, "This device has been revoked: register a new key");
  }

  private overLimit(): never {
    throw new WalletError(ErrorCode.DEVICE_LIMIT, `At most ${MAX_ACTIVE_DEVICES} devices may be active: revoke one first`, { limit: MAX_ACTIVE_DEVICES });
  }
}
