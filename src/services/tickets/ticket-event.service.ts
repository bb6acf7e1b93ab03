import { MoreThan } from "typeorm";
import { EventEntity } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, forbidden, notFound } from "../kernel/errors";
import { requireGate, requirePartner } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { attendanceOf, type GateCount } from "./attendance";
import type { CheckInListCount } from "./check-in-lists";
import { requireText } from "../kernel/validation";

export interface EventInput {
  title: string;
  venue: string;
  startsAt: Date;
  doorsOpenAt: Date;
  releaseMinutesBeforeDoors?: number | null;
  /** A single-entry ticket may come back in after an exit (default no). */
  allowReentry?: boolean | null;
  /** How many times a ticket may be passed on: null for no limit, 0 for never. */
  maxTransfers?: number | null;
}

export interface Attendance {
  eventId: string;
  ticketsIssued: number;
  /** Counted as attendance.ts says, from the running tallies (tallies.ts). */
  admitted: number;
  inside: number;
  byGate: GateCount[];
  /** Per check-in list: the tickets admitted for it. */
  byList: CheckInListCount[];
}

const DEFAULT_RELEASE_MINUTES = 60;
/** An event is over this long after it starts: a ticket's default validity (ticket.service.ts). */
export const EVENT_OPEN_HOURS = 12;
/** Events a gate is offered at most: a partner has a handful open at once. */
const OPEN_EVENTS_LIMIT = 100;

/**
 * A ticket shop's events (a concert, a match), whose tickets it posts and whose gates
 * admit them: who may see an event, and how many have come in. (The live events that
 * subscribers hear are the EventBus's, events.ts.)
 */
export class TicketEventService {
  constructor(private readonly deps: ServiceDeps) {}

  async createEvent(caller: Caller, input: EventInput): Promise<EventEntity> {
    const { partnerId } = requirePartner(caller);
    if (input.doorsOpenAt > input.startsAt) badInput("doorsOpenAt must not be after startsAt", { field: "doorsOpenAt" });
    const release = input.releaseMinutesBeforeDoors ?? DEFAULT_RELEASE_MINUTES;
    if (!Number.isInteger(release) || release < 0 || release > 60 * 24 * 30) {
      badInput("releaseMinutesBeforeDoors must be 0 to 43200", { field: "releaseMinutesBeforeDoors" });
    }
    const maxTransfers = input.maxTransfers ?? null;
    if (maxTransfers !== null && (!Number.isInteger(maxTransfers) || maxTransfers < 0 || maxTransfers > 100)) {
      badInput("maxTransfers must be 0 to 100", { field: "maxTransfers" });
    }
    const event = Object.assign(new EventEntity(), {
      id: newId(),
      partnerId,
      title: requireText(input.title, "title", 200),
      venue: requireText(input.venue, "venue", 200),
      startsAt: input.startsAt,
      doorsOpenAt: input.doorsOpenAt,
      releaseMinutesBeforeDoors: release,
      allowReentry: input.allowReentry ? 1 : 0,
      maxTransfers,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.db.tx((tx) => tx.insert(EventEntity, event));
    return event;
  }

  async attendance(caller: Caller, eventId: string): Promise<Attendance> {
    const event = await this.eventOfCaller(caller, eventId);
    const figures = await this.deps.db.read((m) => attendanceOf(m, event.id));
    return { eventId: event.id, ...figures };
  }

  /** The events of the caller's partner (a gate's or the shop's own) not over yet, soonest first, for a gate to pick from. */
  async openEvents(caller: Caller): Promise<EventEntity[]> {
    const partnerId = caller.kind === "gate" ? requireGate(caller).partnerId : requirePartner(caller).partnerId;
    const startedAfter = new Date(this.deps.clock.now().getTime() - EVENT_OPEN_HOURS * 3_600_000);
    return this.deps.db.read((m) =>
      m.find(EventEntity, { where: { partnerId, startsAt: MoreThan(startedAfter) }, order: { doorsOpenAt: "ASC", id: "ASC" }, take: OPEN_EVENTS_LIMIT }),
    );
  }

  /** The event, if the caller is one of its gates or its shop (FORBIDDEN otherwise). */
  async eventOfCaller(caller: Caller, eventId: string): Promise<EventEntity> {
    const partnerId = caller.kind === "gate" ? requireGate(caller).partnerId : requirePartner(caller).partnerId;
    return this.ownEvent(partnerId, eventId);
  }

  /** The partner's own event: NOT_FOUND if there is none, FORBIDDEN if it is another partner's. */
  async ownEvent(partnerId: string, eventId: string): Promise<EventEntity> {
    const event = await this.deps.db.read((m) => m.findOneBy(EventEntity, { id: eventId }));
    if (!event) return notFound("event");
    if (event.partnerId !== partnerId) forbidden("This event belongs to another partner");
    return event;
  }
}
