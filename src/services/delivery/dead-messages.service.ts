import { IsNull, LessThan, Not } from "typeorm";
import { OutboxMessageEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import { decodeCursor, encodeCursor } from "../kernel/cursor";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, notFound } from "../kernel/errors";
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

  /** Dead messages, newest first, `first` (1 to 100) at a time after a cursor. */
  async list(caller: Caller, first: number, after: string | null): Promise<DeadMessagePage> {
    requireAdmin(caller);
    if (!Number.isInteger(first) || first < 1 || first > 100) badInput("first must be 1 to 100", { field: "first" });
    const afterId = after ? decodeCursor(after) : null;
    const rows = await this.deps.db.read((m) =>
      m.find(OutboxMessageEntity, {
        select: SHOWN,
        where: { deliveredAt: IsNull(), deadAt: Not(IsNull()), ...(afterId ? { id: LessThan(afterId) } : {}) },
        order: { id: "DESC" },
        take: first + 1,
      }),
    );
    const nodes = rows.slice(0, first).map(view);
    return { nodes, nextCursor: rows.length > first ? encodeCursor(nodes[nodes.length - 1].id) : null };
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
