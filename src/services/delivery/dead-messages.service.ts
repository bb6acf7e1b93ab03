import { OutboxMessageEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, notFound } from "../kernel/errors";
import { decodeSearchCursor, encodeSearchCursor } from "../kernel/search";
import { requireAdmin } from "../kernel/guards";
import { OUTBOX_MOVES } from "./outbox-states";
import { defaultDestination, type OutboxService } from "./outbox.service";
import { byId } from "../kernel/status-table";

/** A dead outbox message as an admin sees it: never its payload (it may hold card-related data). */
export interface DeadMessageView {
  id: string;
  topic: string;
  destination: string;
  attempts: number;
  /** The last failure, as stored: class, message and network code, secrets taken out. */
  lastError: string | null;
  createdAt: Date;
  /** When it was given up; null once retried (due again). */
  diedAt: Date | null;
}

export interface DeadMessagePage {
  nodes: DeadMessageView[];
  nextCursor: string | null;
}

/** What an admin sees of a message: every column but the payload. */
const SHOWN = { id: true, topic: true, destination: true, attempts: true, lastError: true, createdAt: true, deadAt: true } as const;

/**
 * The back office's view of outbox messages that died (still failing
 * OUTBOX_GIVE_UP_AFTER_DAYS after they were created or last retried), and its way to
 * send one again once the receiver is fixed.
 */
export class DeadMessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Dead messages, newest to die first (then newest created), `first` (1 to 100) at a
   * time after a cursor: one range of IDX_outbox_dead (deliveredAt, deadAt, id), read in order.
   */
  async list(caller: Caller, first: number, after: string | null): Promise<DeadMessagePage> {
    requireAdmin(caller);
    if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
    // The cursor is the last row's (deadAt, id), in a search cursor's form.
    const last = after ? decodeSearchCursor(after) : null;
    const rows = await this.deps.db.read((m) => {
      const query = m
        .createQueryBuilder(OutboxMessageEntity, "o")
        .select(Object.keys(SHOWN).map((column) => `o.${column}`))
        .where("o.deadAt IS NOT NULL AND o.deliveredAt IS NULL");
      // A range of deadAt first, so the index serves it on both engines.
      if (last) query.andWhere("o.deadAt <= :lastAt AND (o.deadAt < :lastAt OR o.id < :lastId)", { lastAt: last.createdAt, lastId: last.id });
      return query.orderBy("o.deadAt", "DESC").addOrderBy("o.id", "DESC").limit(first + 1).getMany();
    });
    const nodes = rows.slice(0, first).map(view);
    const end = rows.length > first ? rows[first - 1] : null;
    return { nodes, nextCursor: end ? encodeSearchCursor({ createdAt: end.deadAt!, id: end.id }) : null };
  }

  /**
   * Makes a dead message due now with its attempts reset; its give-up age counts from
   * now. NOT_FOUND for an id that is unknown, delivered or not dead.
   */
  async retry(caller: Caller, id: string): Promise<DeadMessageView> {
    requireAdmin(caller);
    const now = this.deps.clock.now();
    const revived = await this.deps.db.tx(async (tx) => {
      const revive = OUTBOX_MOVES.update("revive", byId(id), { now });
      if ((await tx.write(revive.sql, revive.params)) !== 1) return null;
      // Due now, for the poller: woken once the revival has committed.
      tx.afterCommit(() => this.outbox.wake());
      return tx.findOneOrFail(OutboxMessageEntity, { select: SHOWN, where: { id } });
    });
    if (!revived) return notFound("dead message");
    this.deps.logger.info({ messageId: id, topic: revived.topic }, "dead outbox message retried by an admin");
    return view(revived);
  }
}

function view(message: Pick<OutboxMessageEntity, keyof typeof SHOWN>): DeadMessageView {
  return {
    id: message.id,
    topic: message.topic,
    destination: message.destination ?? defaultDestination(message.topic),
    attempts: message.attempts,
    lastError: message.lastError,
    createdAt: message.createdAt,
    diedAt: message.deadAt,
  };
}
