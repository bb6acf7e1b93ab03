import { createPubSub } from "@graphql-yoga/subscription";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import type Redis from "ioredis";
import type { ConfirmationRequestEntity, MemberNotice, PaymentEntity } from "../../entities";
import type { TreeHead } from "../../../clients/wire/receipt";
import type { BillView } from "./bill-view";

/**
 * Live events for subscribers. Every topic is per recipient (one phone, one store), so
 * publishing reaches only that recipient's listeners and costs the same however many
 * phones are connected. Payloads are plain JSON (dates as ISO strings) whether they go
 * in process or through Redis, so both paths deliver exactly the same thing.
 */
export enum Topic {
  ConfirmationRequests = "CONFIRMATION_REQUESTS",
  PaymentUpdates = "PAYMENT_UPDATES",
  Messages = "MESSAGES",
  BillReceipts = "BILL_RECEIPTS",
  Admissions = "ADMISSIONS",
  CredentialsEnded = "CREDENTIALS_ENDED",
  BooksSealed = "BOOKS_SEALED",
  TicketOffers = "TICKET_OFFERS",
}

export type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type PaymentEvent = Json<PaymentEntity>;
export interface ConfirmationRequestEvent {
  id: string;
  expiresAt: string;
  payment: PaymentEvent;
}

export interface MessageEvent {
  id: string;
  title: string;
  body: string;
  sentAt: string;
  read: boolean;
  notice: MemberNotice | null;
}

export type BillEvent = Json<BillView>;
/** A ticket offer as one of its phones sees it (services/tickets/ticket-offer.service.ts), as JSON. */
export type TicketOfferEvent = Record<string, unknown>;

/** An admission decision as JSON; its shape is the service's AdmissionDecision. */
export type AdmissionEvent = Record<string, unknown>;

/**
 * Credentials that were just ended (a logout, a lost phone, a revoked key). It names
 * them only; every instance then asks the database which of its sockets' credentials
 * still hold, so a late or repeated announcement can never close a valid one.
 */
export interface CredentialsEnded {
  sessionIds?: string[];
  /** Every session of this customer. */
  customerId?: string;
  apiKeyIds?: string[];
}

/** A signed tree head of the books: plain JSON already (its time an ISO string). */
export type TreeHeadEvent = TreeHead;

/** The one topic key of announcements that every instance hears. */
const EVERY_INSTANCE = "all";

type TopicMap = {
  [Topic.CredentialsEnded]: [key: typeof EVERY_INSTANCE, payload: CredentialsEnded];
  [Topic.BooksSealed]: [books: string, payload: TreeHeadEvent];
  [Topic.Admissions]: [eventId: string, payload: AdmissionEvent];
  [Topic.BillReceipts]: [partnerId: string, payload: BillEvent];
  [Topic.Messages]: [customerId: string, payload: MessageEvent];
  [Topic.ConfirmationRequests]: [customerId: string, payload: ConfirmationRequestEvent];
  [Topic.PaymentUpdates]: [recipient: string, payload: PaymentEvent];
  [Topic.TicketOffers]: [customerId: string, payload: TicketOfferEvent];
};

export const customerRecipient = (customerId: string) => `customer:${customerId}`;
export const storeRecipient = (storeId: string) => `store:${storeId}`;

export class EventBus {
  private readonly pubSub;
  private readonly credentialListeners = new Set<(ended: CredentialsEnded) => void>();
  /** Announcements from other instances, read until close(). */
  private readonly remoteCredentials: AsyncIterator<CredentialsEnded> | null;
  /** Through Redis every payload is serialized anyway: no JSON copy needed first. */
  private readonly json: <T>(value: T) => Json<T>;

  /**
   * With two Redis connections (one publishes, one subscribes) events cross instances.
   * A publish that fails (Redis unreachable) is reported to `publishFailed` and the
   * event is lost; left unhandled, its rejection would stop the whole server.
   */
  constructor(redis?: { namespace: string; publish: Redis; subscribe: Redis; publishFailed(error: unknown): void }) {
    this.json = redis ? (value) => value as Json<typeof value> : toJson;
    this.pubSub = createPubSub<TopicMap>(
      redis
        ? {
            eventTarget: createRedisEventTarget({
              publishClient: handledPublishes(redis.publish, redis.namespace, redis.publishFailed),
              subscribeClient: namespacedSubscriber(redis.subscribe, redis.namespace),
              serializer: onceSerializer(),
            }),
          }
        : {},
    );
    this.remoteCredentials = redis ? this.pubSub.subscribe(Topic.CredentialsEnded, EVERY_INSTANCE)[Symbol.asyncIterator]() : null;
    void this.readRemoteCredentials();
  }

  /**
   * Tells this instance at once (before the caller answers, so its very next request
   * already sees the end) and, through Redis, every other instance. Call after commit.
   */
  credentialsEnded(ended: CredentialsEnded): void {
    this.tellCredentialListeners(ended);
    if (this.remoteCredentials) this.pubSub.publish(Topic.CredentialsEnded, EVERY_INSTANCE, ended);
  }

  /** Runs `listener` for every announcement, local or from another instance; returns the unsubscribe. */
  onCredentialsEnded(listener: (ended: CredentialsEnded) => void): () => void {
    this.credentialListeners.add(listener);
    return () => this.credentialListeners.delete(listener);
  }

  /** Stops reading announcements from other instances. */
  async close(): Promise<void> {
    await this.remoteCredentials?.return?.();
  }

  // This instance's own announcement comes back through Redis too; listeners are
  // idempotent (they re-check the database), so hearing it twice costs one query.
  private async readRemoteCredentials(): Promise<void> {
    if (!this.remoteCredentials) return;
    for (;;) {
      const next = await this.remoteCredentials.next();
      if (next.done) return;
      this.tellCredentialListeners(next.value);
    }
  }

  // Listeners catch and log their own failures: one must never stop the others hearing.
  private tellCredentialListeners(ended: CredentialsEnded): void {
    for (const listener of this.credentialListeners) listener(ended);
  }

  /** Call only after the transaction that made the change has committed. */
  paymentChanged(payment: PaymentEntity): void {
    const event = this.json(payment);
    this.pubSub.publish(Topic.PaymentUpdates, customerRecipient(payment.customerId), event);
    this.pubSub.publish(Topic.PaymentUpdates, storeRecipient(payment.storeId), event);
  }

  confirmationRequested(request: ConfirmationRequestEntity, payment: PaymentEntity): void {
    this.pubSub.publish(Topic.ConfirmationRequests, request.customerId, {
      id: request.id,
      expiresAt: request.expiresAt.toISOString(),
      payment: this.json(payment),
    });
  }

  messageSent(customerIds: string[], message: MessageEvent): void {
    for (const customerId of customerIds) this.pubSub.publish(Topic.Messages, customerId, message);
  }

  /** An offer made, answered or cancelled: told to each of its two phones, as that phone sees it. */
  ticketOfferChanged(customerId: string, offer: object): void {
    this.pubSub.publish(Topic.TicketOffers, customerId, this.json(offer) as TicketOfferEvent);
  }

  ticketOffers(customerId: string): AsyncIterable<TicketOfferEvent> {
    return this.pubSub.subscribe(Topic.TicketOffers, customerId);
  }

  admission(eventId: string, decision: object): void {
    this.pubSub.publish(Topic.Admissions, eventId, this.json(decision) as AdmissionEvent);
  }

  admissions(eventId: string): AsyncIterable<AdmissionEvent> {
    return this.pubSub.subscribe(Topic.Admissions, eventId);
  }

  billPaid(partnerId: string, bill: BillView): void {
    this.pubSub.publish(Topic.BillReceipts, partnerId, this.json(bill));
  }

  /**
   * A tree head the sealer signed, published once by the instance that sealed it: the
   * sealer runs on one instance at a time, its subscribers on any (through Redis).
   * `books` names this deployment's books, so deployments sharing a Redis never hear
   * each other's heads.
   */
  booksSealed(books: string, head: TreeHeadEvent): void {
    this.pubSub.publish(Topic.BooksSealed, books, this.json(head));
  }

  treeHeads(books: string): AsyncIterable<TreeHeadEvent> {
    return this.pubSub.subscribe(Topic.BooksSealed, books);
  }

  billReceipts(partnerId: string): AsyncIterable<BillEvent> {
    return this.pubSub.subscribe(Topic.BillReceipts, partnerId);
  }

  messages(customerId: string): AsyncIterable<MessageEvent> {
    return this.pubSub.subscribe(Topic.Messages, customerId);
  }

  paymentUpdates(recipient: string): AsyncIterable<PaymentEvent> {
    return this.pubSub.subscribe(Topic.PaymentUpdates, recipient);
  }

  confirmationRequests(customerId: string): AsyncIterable<ConfirmationRequestEvent> {
    return this.pubSub.subscribe(Topic.ConfirmationRequests, customerId);
  }
}

const toJson = <T>(value: T): Json<T> => JSON.parse(JSON.stringify(value));

/**
 * JSON for the Redis event target, serializing an object once however many topics it is
 * published to at once (a payment goes to its phone's topic and its store's).
 */
function onceSerializer(): { stringify(value: unknown): string; parse(text: string): unknown } {
  // Kept only until the current synchronous publishes are done: an object changed and
  // published again later is serialized again.
  let last: { value: unknown; text: string } | null = null;
  return {
    stringify(value) {
      if (last && last.value === value) return last.text;
      const text = JSON.stringify(value);
      if (last === null) queueMicrotask(() => (last = null));
      last = { value, text };
      return text;
    },
    parse: (text) => JSON.parse(text),
  };
}

/**
 * The publish side as redis-event-target uses it (it only ever calls `publish`, and
 * leaves the promise alone), on the deployment's channels (redis.ts, `namespace`), with
 * each failure handed to `failed`.
 */
function handledPublishes(redis: Redis, namespace: string, failed: (error: unknown) => void): Redis {
  const publish = (channel: string, message: string) =>
    redis.publish(`${namespace}:${channel}`, message).catch((error: unknown) => {
      failed(error);
      return 0;
    });
  return { publish } as unknown as Redis;
}

/**
 * The subscribe side as redis-event-target uses it (`subscribe`, `unsubscribe`, and the
 * "message" event), on the deployment's channels only: a channel is subscribed with the
 * namespace before it, and a message's channel is handed on without it. ioredis's
 * keyPrefix covers keys, not channels.
 */
function namespacedSubscriber(redis: Redis, namespace: string): Redis {
  const prefix = `${namespace}:`;
  // redis-event-target leaves these promises alone. One rejects only when the connection
  // is closed under it (a server stopping while a socket unsubscribes), where there is
  // nothing left to hear; unhandled, it would stop the process. While Redis is merely
  // unreachable ioredis queues them, and subscribes again on reconnect.
  const settled = (pending: Promise<unknown>) => pending.catch(() => undefined);
  return {
    subscribe: (channel: string) => settled(redis.subscribe(prefix + channel)),
    unsubscribe: (channel: string) => settled(redis.unsubscribe(prefix + channel)),
    on(event: string, listener: (channel: string, message: string) => void) {
      if (event !== "message") throw new Error(`only "message" is namespaced, not "${event}"`);
      redis.on("message", (channel: string, message: string) => {
        if (channel.startsWith(prefix)) listener(channel.slice(prefix.length), message);
      });
    },
  } as unknown as Redis;
}
