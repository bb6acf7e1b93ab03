import { createHmac, timingSafeEqual } from "node:crypto";
import { row, type AtCommit, type Tx } from "../../database";
import { WebhookEventEntity } from "../../entities";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";
import type { OutboxService } from "./outbox.service";
import { postWebhook } from "./webhook-post";
import { WEBHOOK_OWNERS, type WebhookOwnerKind, type WebhookSecrets } from "./webhook-secrets";

/**
 * Signed webhooks to partners and to stores' back offices. Each request carries
 *   X-Wallet-Event-Id:  the event's id, the same on every retry (deduplicate on it)
 *   X-Wallet-Timestamp: Unix seconds when this attempt was signed
 *   X-Wallet-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * A receiver recomputes the HMAC over the raw body with its webhook secret (returned
 * once by createPartner or createStore, and never changed by a key rotation:
 * webhook-secrets.ts), compares in constant time, and rejects timestamps more than five
 * minutes away (replays). `verifyWebhook` below is the reference.
 */
export const WEBHOOK_TOPIC = "partner.webhook";
export const MAX_SKEW_SECONDS = 300;

/**
 * One webhook: to a partner (`partnerId`) or to a store's back office (`storeId`). `body`
 * is the request's body as sent, the same text the event list keeps; messages written
 * before it was carried have `data` instead, and their body is made from it.
 */
export interface WebhookEvent {
  eventId: string;
  partnerId?: string;
  storeId?: string;
  type: string;
  data?: Record<string, unknown>;
  body?: string;
  createdAt: string;
}

export type WebhookReceiver = { partnerId: string } | { storeId: string };

/** The receiver as the event list and the outbox name it: "store:<id>" or "partner:<id>". */
export const receiverName = (receiver: WebhookReceiver): string => ("storeId" in receiver ? `store:${receiver.storeId}` : `partner:${receiver.partnerId}`);

/** The receiver a name stands for (the reverse of `receiverName`). */
export function receiverOf(name: string): WebhookReceiver {
  const [kind, id] = name.split(":");
  return kind === "store" ? { storeId: id } : { partnerId: id };
}

/**
 * Sends one event to a partner or a store with `tx` (only if `onlyIf` changed a row, when
 * given): the outbox delivers it, signed, once the transaction commits, and retries it.
 * The event list (`events`) gets the same body in the same transaction, under the same
 * condition, so what a receiver reads there is what its webhook carried, byte for byte.
 */
export function sendWebhook(
  outbox: OutboxService,
  tx: Tx,
  receiver: WebhookReceiver,
  type: string,
  data: Record<string, unknown>,
  at: Date,
  options: { onlyIf?: AtCommit } = {},
): void {
  const eventId = newId();
  const createdAt = at.toISOString();
  const body = JSON.stringify({ id: eventId, type, createdAt, data });
  const listed: WebhookEventEntity = Object.assign(new WebhookEventEntity(), { id: eventId, receiver: receiverName(receiver), type, body, createdAt: at, redeliveredAt: null });
  tx.atCommit(row(WebhookEventEntity, listed), options);
  sendListed(outbox, tx, listed, options);
}

/** Sends a listed event (again, for `redeliverEvent`): the same id and body. */
export function sendListed(outbox: OutboxService, tx: Tx, listed: WebhookEventEntity, options: { onlyIf?: AtCommit } = {}): void {
  const event: WebhookEvent = { eventId: listed.id, ...receiverOf(listed.receiver), type: listed.type, body: listed.body, createdAt: listed.createdAt.toISOString() };
  outbox.send(tx, WEBHOOK_TOPIC, event as unknown as Record<string, unknown>, options);
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return "v1=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function verifyWebhook(secret: string, headers: { timestamp: string; signature: string }, body: string, nowSeconds: number): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Who receives an event. */
function ownerOf(event: WebhookEvent): { kind: WebhookOwnerKind; id: string } {
  return event.storeId ? { kind: "store", id: event.storeId } : { kind: "partner", id: String(event.partnerId) };
}

/** Each receiver is its own outbox destination: one slow receiver holds up only its own events. */
export function webhookDestination(payload: Record<string, unknown>): string {
  const { kind, id } = ownerOf(payload as unknown as WebhookEvent);
  return `${kind}:${id}`;
}

/**
 * The outbox handler: POSTs one event to its receiver's current webhook URL, to a public
 * address only (webhook-post.ts). `signal` is the outbox's delivery timeout: it ends the
 * request, the answer's body included.
 */
export function webhookSender(deps: ServiceDeps, secrets: WebhookSecrets) {
  return async (payload: Record<string, unknown>, signal: AbortSignal): Promise<void> => {
    const event = payload as unknown as WebhookEvent;
    const { kind, id } = ownerOf(event);
    const owner = await deps.db.read((m) => m.findOneBy(WEBHOOK_OWNERS[kind].entity, { id }));
    if (!owner?.webhookUrl) return; // nowhere to send it any more
    const body = event.body ?? JSON.stringify({ id: event.eventId, type: event.type, createdAt: event.createdAt, data: event.data });
    const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
    const headers = {
      "content-type": "application/json",
      "user-agent": "wallet-center-webhooks/1",
      "x-wallet-event-id": event.eventId,
      "x-wallet-timestamp": String(timestamp),
      "x-wallet-signature": signWebhook(await secrets.secretOf(kind, owner), timestamp, body),
    };
    const status = await postWebhook(owner.webhookUrl, headers, body, signal, deps.config.webhookAllowPrivateTargets);
    if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
  };
}
