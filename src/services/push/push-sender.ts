import webPush from "web-push";
import { PushSubscriptionEntity, SessionEntity } from "../../entities";
import type { OutboxService } from "../delivery/outbox.service";
import { postWebhook } from "../delivery/webhook-post";
import type { ServiceDeps } from "../kernel/deps";
import { newId } from "../kernel/ids";
import type { Notice } from "../kernel/notices";
import type { Tx } from "../../database";
import type { AtCommit } from "../../database";

/** A notice for one customer: fanned out to each of their subscriptions by PUSH_NOTICE_TOPIC's handler. */
export const PUSH_NOTICE_TOPIC = "push.notice";
/** One notice to one subscription: encrypted, signed and posted to its push service. */
export const PUSH_SEND_TOPIC = "push.send";

/** How long a push service keeps a notice for a phone that is off: a day; a confirmation only until it expires. */
const TTL_SECONDS = 86_400;
/** What of a message's body a notification shows; the inbox has the rest. */
const BODY_SHOWN = 300;

interface NoticeMessage {
  noticeId: string;
  customerId: string;
  notice: Notice;
  at: string;
}

interface SendMessage {
  noticeId: string;
  subscriptionId: string;
  notice: Notice;
  at: string;
}

/** The JSON a phone's service worker receives (docs/push.md): version, id, kind, time and the notice's fields. */
export function pushPayload(noticeId: string, notice: Notice, at: string): string {
  const shown = notice.kind === "message" ? { ...notice, body: notice.body.slice(0, BODY_SHOWN) } : notice;
  return JSON.stringify({ v: 1, id: noticeId, at, ...shown });
}

/**
 * Web Push through the outbox (docs/push.md). A notice told in a transaction (kernel/
 * notices.ts) is one outbox message, inserted with its COMMIT; its handler finds the
 * customer's subscriptions of live sessions and sends one message to each, each its own
 * destination, so a push service that is slow or gone holds up only its own phone. Each
 * of those is encrypted to the browser's keys (RFC 8291, aes128gcm) and signed with the
 * VAPID key (RFC 8292) by web-push, and posted like a webhook: to a public address only,
 * checked again after DNS resolution. A push service answering 404 or 410 no longer
 * knows the subscription: it is deleted. Any other failure is retried, then dead.
 */
export class PushSender {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
  ) {}

  register(): void {
    this.outbox.register(PUSH_NOTICE_TOPIC, (payload) => this.fanOut(payload as unknown as NoticeMessage), (payload) => `push:customer:${payload.customerId}`);
    this.outbox.register(PUSH_SEND_TOPIC, (payload, signal) => this.send(payload as unknown as SendMessage, signal), (payload) => `push:${payload.subscriptionId}`);
  }

  /** The notices port's listener: one outbox message per notice, with the change's COMMIT. */
  tell(tx: Tx, customerId: string, notice: Notice, options: { onlyIf?: AtCommit }): void {
    if (!this.deps.vapid) return;
    const message: NoticeMessage = { noticeId: newId(), customerId, notice, at: this.deps.clock.now().toISOString() };
    this.outbox.send(tx, PUSH_NOTICE_TOPIC, message as unknown as Record<string, unknown>, options);
  }

  /**
   * One send per subscription of a live session. Run again (a crash before its delivered
   * mark), it sends again: the Topic header (the notice's id) lets a push service replace
   * a copy it still holds.
   */
  private async fanOut(message: NoticeMessage): Promise<void> {
    const now = this.deps.clock.now();
    // Most customers have no subscription: one indexed read, and no transaction, for them.
    const subscriptions: Array<{ id: string }> = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(PushSubscriptionEntity, "p")
        .select("p.id", "id")
        .innerJoin(SessionEntity, "s", "s.id = p.sessionId")
        .where("p.customerId = :customerId", { customerId: message.customerId })
        .andWhere("s.revokedAt IS NULL AND s.expiresAt > :now", { now })
        .getRawMany(),
    );
    if (subscriptions.length === 0) return;
    await this.deps.db.tx(async (tx) => {
      for (const { id } of subscriptions) {
        const send: SendMessage = { noticeId: message.noticeId, subscriptionId: id, notice: message.notice, at: message.at };
        this.outbox.send(tx, PUSH_SEND_TOPIC, send as unknown as Record<string, unknown>);
      }
    });
  }

  private async send(message: SendMessage, signal: AbortSignal): Promise<void> {
    const { db, clock, config } = this.deps;
    const vapid = this.deps.vapid;
    if (!vapid) throw new Error("push is off: no VAPID keys");
    const subscription = await db.read((m) => m.findOneBy(PushSubscriptionEntity, { id: message.subscriptionId }));
    if (!subscription) return; // removed meanwhile: nobody to tell
    const ttl = timeToLive(message.notice, clock.now());
    if (ttl === 0) return; // a confirmation that has expired: nothing left to answer
    const request = webPush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      pushPayload(message.noticeId, message.notice, message.at),
      {
        vapidDetails: vapid,
        TTL: ttl,
        urgency: message.notice.kind === "confirmation" ? "high" : "normal",
        topic: message.noticeId.replace(/-/g, ""),
        contentEncoding: "aes128gcm",
      },
    );
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const status = await postWebhook(subscription.endpoint, headers, request.body as Buffer, signal, config.webhookAllowPrivateTargets, "push service");
    if (status === 404 || status === 410) {
      // The browser unsubscribed, or the push service dropped it: it will never be reached again.
      await db.tx((tx) => tx.delete(PushSubscriptionEntity, { id: subscription.id }));
      this.deps.logger.info({ subscriptionId: subscription.id, status }, "push subscription gone; removed");
      return;
    }
    if (status < 200 || status >= 300) throw new Error(`push service answered HTTP ${status}`);
    await db.tx((tx) => tx.update(PushSubscriptionEntity, { id: subscription.id }, { lastPushedAt: clock.now() }));
  }
}

/** Seconds a push service may hold the notice: until a confirmation's request expires, else a day. */
function timeToLive(notice: Notice, now: Date): number {
  if (notice.kind !== "confirmation") return TTL_SECONDS;
  return Math.max(0, Math.floor((Date.parse(notice.expiresAt) - now.getTime()) / 1000));
}
