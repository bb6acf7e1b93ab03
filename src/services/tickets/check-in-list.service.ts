import { CheckInListEntity, type EventEntity } from "../../entities";
import { listViewOf, listsOf, ruleOf, type CheckInListView } from "./check-in-lists";
import { isUniqueViolation } from "../../database";
import type { CheckInListRule } from "../../../clients/wire/admission-rules";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { badInput, notFound } from "../kernel/errors";
import { requirePartner } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { requireText } from "../kernel/validation";
import type { TicketEventService } from "./ticket-event.service";

export interface CheckInListInput {
  eventId: string;
  name: string;
  /** Every ticket of the event (default), or only those posted onto it (PostTicketInput.checkInListIds). */
  allTickets?: boolean | null;
  opensAt?: Date | null;
  closesAt?: Date | null;
}

/** Lists an event may have: a festival's days and areas are a handful. */
const MAX_LISTS_PER_EVENT = 50;

/**
 * An event's check-in lists: a gate scanning for one admits only the tickets on it (all
 * of the event's, or those named), only while it is open (a day of a festival, a VIP
 * area's hours), by the one rule shared with the offline gate (clients/wire/admission-rules.ts).
 * Each admission names its list, so every list is counted.
 */
export class CheckInListService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly ticketEvents: TicketEventService,
  ) {}

  async createCheckInList(caller: Caller, input: CheckInListInput): Promise<CheckInListView> {
    const { partnerId } = requirePartner(caller);
    const event = await this.ticketEvents.ownEvent(partnerId, input.eventId);
    const opensAt = input.opensAt ?? null;
    const closesAt = input.closesAt ?? null;
    if (opensAt && closesAt && closesAt <= opensAt) badInput("closesAt must be after opensAt", { field: "closesAt" });
    const list = Object.assign(new CheckInListEntity(), {
      id: newId(),
      eventId: event.id,
      name: requireText(input.name, "name", 50),
      allTickets: input.allTickets === false ? 0 : 1,
      opensAt,
      closesAt,
      createdAt: this.deps.clock.now(),
    });
    try {
      await this.deps.db.tx(async (tx) => {
        if ((await tx.countBy(CheckInListEntity, { eventId: event.id })) >= MAX_LISTS_PER_EVENT) badInput(`An event has at most ${MAX_LISTS_PER_EVENT} check-in lists`);
        await tx.insert(CheckInListEntity, list);
      });
    } catch (error) {
      if (isUniqueViolation(error)) badInput("The event has a check-in list of this name", { field: "name" });
      throw error;
    }
    return listViewOf(list);
  }

  /** The event's lists, for its gates (to choose one) and its shop. */
  async checkInLists(caller: Caller, eventId: string): Promise<CheckInListView[]> {
    const event = await this.ticketEvents.eventOfCaller(caller, eventId);
    return this.deps.db.read((m) => listsOf(m, event.id));
  }

  /** The rule of one of the event's lists (NOT_FOUND for another event's). */
  async ruleOf(event: EventEntity, listId: string): Promise<CheckInListRule> {
    const list = await this.deps.db.read((m) => m.findOneBy(CheckInListEntity, { id: listId }));
    if (!list || list.eventId !== event.id) return notFound("check-in list");
    return ruleOf(list);
  }
}
