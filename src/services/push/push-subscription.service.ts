import { createHash } from "node:crypto";
import { isUniqueViolation } from "../../database";
import { IsNull } from "typeorm";
import { DeviceEntity, PushSubscriptionEntity, SessionEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { ErrorCode, badInput, fail, notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { pushEndpointProblem, pushKeysProblem } from "./push-endpoint";

/** What a phone's browser gives from its PushSubscription (toJSON()), and how the customer will recognise it. */
export interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  label?: string | null;
  /** This phone's device key, so that revoking the device ends its pushes too. */
  deviceId?: string | null;
}

const MAX_ENDPOINT = 2000;

export const endpointHash = (endpoint: string) => createHash("sha256").update(endpoint).digest("hex");

/**
 * Phones' Web Push subscriptions. Each belongs to the session that registered it (one per
 * session: a browser that subscribes again replaces its own) and, when named, to the
 * phone's device; ending the session (logout, every session of a lost phone) or revoking
 * the device deletes it in the same transaction (access/credential.service.ts,
 * devices/device.service.ts).
 */
export class PushSubscriptionService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The key browsers subscribe with (applicationServerKey), base64url; null: push is off. */
  publicKey(): string | null {
    return this.deps.vapid?.publicKey ?? null;
  }

  async register(caller: Caller, input: PushSubscriptionInput): Promise<PushSubscriptionEntity> {
    const { customerId, sessionId } = requireCustomer(caller);
    if (!this.deps.vapid) fail(ErrorCode.FORBIDDEN, "Push notifications are not configured on this server");
    if (input.endpoint.length > MAX_ENDPOINT) badInput(`endpoint is longer than ${MAX_ENDPOINT} characters`, { field: "endpoint" });
    const endpointProblem = pushEndpointProblem(input.endpoint, this.deps.config.webhookAllowPrivateTargets);
    if (endpointProblem) badInput(endpointProblem, { field: "endpoint" });
    const keysProblem = pushKeysProblem(input.p256dh, input.auth);
    if (keysProblem) badInput(keysProblem, { field: keysProblem.startsWith("auth") ? "auth" : "p256dh" });
    const label = (input.label ?? "").trim().slice(0, 100) || "Browser";
    const subscription = Object.assign(new PushSubscriptionEntity(), {
      id: newId(),
      customerId,
      sessionId,
      deviceId: input.deviceId ?? null,
      endpointHash: endpointHash(input.endpoint),
      endpoint: input.endpoint,
      p256dh: input.p256dh,
      auth: input.auth,
      label,
      createdAt: this.deps.clock.now(),
      expiresAt: this.deps.clock.now(),
      lastPushedAt: null,
    });
    try {
      await this.deps.db.tx(async (tx) => {
        // The subscription lives as long as the session that registers it.
        const session = await tx.findOneBy(SessionEntity, { id: sessionId, revokedAt: IsNull() });
        if (!session || session.expiresAt <= subscription.createdAt) fail(ErrorCode.UNAUTHENTICATED, "This session has ended: sign in again");
        subscription.expiresAt = session!.expiresAt;
        if (input.deviceId) {
          const device = await tx.findOneBy(DeviceEntity, { id: input.deviceId, customerId });
          if (!device) notFound("device");
          if (device!.revokedAt) fail(ErrorCode.DEVICE_REVOKED, "This device has been revoked: register a new key");
        }
        // The same browser again (its endpoint), or this session's earlier subscription: replaced.
        await tx.delete(PushSubscriptionEntity, { endpointHash: subscription.endpointHash });
        await tx.delete(PushSubscriptionEntity, { sessionId });
        await tx.add(PushSubscriptionEntity, subscription);
      });
    } catch (error) {
      // Another session registered the same endpoint at this instant: the browser's last word wins on its next try.
      if (isUniqueViolation(error)) fail(ErrorCode.BAD_USER_INPUT, "This endpoint was registered at the same moment: try again");
      throw error;
    }
    return subscription;
  }

  /** The customer's subscriptions, newest first. */
  async list(caller: Caller): Promise<PushSubscriptionEntity[]> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.read((m) => m.find(PushSubscriptionEntity, { where: { customerId }, order: { createdAt: "DESC", id: "DESC" } }), { fresh: true });
  }

  /** Removes one of the customer's subscriptions (any of their sessions may); NOT_FOUND for any other id. */
  async remove(caller: Caller, id: string): Promise<boolean> {
    const { customerId } = requireCustomer(caller);
    const removed = await this.deps.db.tx(async (tx) => (await tx.delete(PushSubscriptionEntity, { id, customerId })).affected ?? 0);
    if (removed === 0) notFound("push subscription");
    return true;
  }
}
