import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { WebhookEventEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import { decodeCursor, encodeCursor } from "../kernel/cursor";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, fail, ErrorCode, notFound, rateLimited } from "../kernel/errors";
import type { OutboxService } from "./outbox.service";
import { receiverName, sendListed, type WebhookReceiver } from "./webhooks";

export interface ListedEvent {
  id: string;
  type: string;
  createdAt: Date;
  /** The webhook's body, exactly as it was (and is again) sent. */
  body: string;
}

export interface EventPage {
  nodes: ListedEvent[];
  nextCursor: string | null;
}

const MAX_TYPES = 20;
/** One event is sent again at most this often. */
const REDELIVER_EVERY_MS = 60_000;

/**
 * The events a partner or a store was sent as webhooks, to catch up from after missing
 * some (Stripe's /v1/events): newest first, paged by cursor, optionally of some types
 * only, each the body its webhook had. `redeliver` sends one again through the outbox,
 * with the same id (a receiver deduplicates on it). Each caller sees only its own.
 */
export class EventListService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
  ) {}

  async list(caller: Caller, first: number, after: string | null, types: readonly string[] | null): Promise<EventPage> {
    const receiver = receiverName(receiverOfCaller(caller));
    if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
    if (types && (types.length === 0 || types.length > MAX_TYPES)) badInput(`types names 1 to ${MAX_TYPES} event types`, { field: "types" });
    const afterId = after ? decodeCursor(after) : null;
    // An event sent a moment ago may have been written through another database node.
    const rows = await this.deps.db.read((m) => this.query(m, receiver, first, afterId, types).getMany(), { fresh: true });
    const nodes = rows.slice(0, first).map(view);
    return { nodes, nextCursor: rows.length > first ? encodeCursor(nodes[nodes.length - 1].id) : null };
  }

  /** The list's one SELECT, by IDX_webhook_events_receiver (receiver, id); its plan is tested on both engines. */
  query(m: EntityManager, receiver: string, first: number, afterId: string | null, types: readonly string[] | null): SelectQueryBuilder<WebhookEventEntity> {
    const query = m.createQueryBuilder(WebhookEventEntity, "e").where("e.receiver = :receiver", { receiver });
    if (afterId) query.andWhere("e.id < :afterId", { afterId });
    if (types) query.andWhere("e.type IN (:...types)", { types: [...types] });
    return query.orderBy("e.id", "DESC").limit(first + 1);
  }

  /**
   * Sends the caller's event again, as it was; NOT_FOUND for another's (or one past its
   * keeping). Once a minute per event at most: one conditional UPDATE of its
   * `redeliveredAt` decides, and the outbox message is inserted only if it changed the
   * row, so requests at once send it once; the others are RATE_LIMITED.
   */
  async redeliver(caller: Caller, id: string): Promise<ListedEvent> {
    const receiver = receiverName(receiverOfCaller(caller));
    const listed = await this.deps.db.read((m) => m.findOneBy(WebhookEventEntity, { id }), { fresh: true });
    if (!listed || listed.receiver !== receiver) return notFound("event");
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - REDELIVER_EVERY_MS);
    const mark = await this.deps.db.tx(async (tx) => {
      const marked = tx.atCommit({
        sql: "UPDATE webhook_events SET redeliveredAt = ? WHERE id = ? AND receiver = ? AND (redeliveredAt IS NULL OR redeliveredAt <= ?)",
        params: [now, id, receiver, since],
      });
      sendListed(this.outbox, tx, listed, { onlyIf: marked });
      return marked;
    });
    if (mark.changed !== 1) {
      const last = (await this.deps.db.read((m) => m.findOneBy(WebhookEventEntity, { id }), { fresh: true }))?.redeliveredAt ?? now;
      throw rateLimited(last.getTime() + REDELIVER_EVERY_MS - now.getTime());
    }
    return view(listed);
  }
}

/** A register's events are its store's; a partner's its own. */
function receiverOfCaller(caller: Caller): WebhookReceiver {
  if (caller.kind === "register") return { storeId: caller.storeId };
  if (caller.kind === "partner") return { partnerId: caller.partnerId };
  if (caller.kind === "anonymous" || caller.kind === "invalid") return fail(ErrorCode.UNAUTHENTICATED, "A valid credential is required");
  return fail(ErrorCode.FORBIDDEN, "Not allowed for this caller");
}

const view = (event: WebhookEventEntity): ListedEvent => ({ id: event.id, type: event.type, createdAt: event.createdAt, body: event.body });
