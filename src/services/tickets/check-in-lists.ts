import { In, type EntityManager } from "typeorm";
import type { Tx } from "../../database";
import { badInput } from "../kernel/errors";
import { CheckInListEntity, CheckInListTicketEntity } from "../../entities";
import type { CheckInListRule } from "../../../clients/wire/admission-rules";

/** How check-in lists are read: their rules, the lists naming a ticket (the counts per list are tallies.ts's). */

export interface CheckInListCount {
  listId: string;
  name: string;
  /** Tickets admitted for this list (each once, however often), not undone. */
  admitted: number;
}

/** A list as the gate and the shop see it. */
export interface CheckInListView {
  id: string;
  eventId: string;
  name: string;
  allTickets: boolean;
  opensAt: Date | null;
  closesAt: Date | null;
}

export const listViewOf = (list: CheckInListEntity): CheckInListView => ({ ...ruleOf(list), eventId: list.eventId, name: list.name });

export const ruleOf = (list: CheckInListEntity): CheckInListRule => ({ id: list.id, allTickets: list.allTickets === 1, opensAt: list.opensAt, closesAt: list.closesAt });

export const listsOf = async (m: EntityManager, eventId: string): Promise<CheckInListView[]> =>
  (await m.find(CheckInListEntity, { where: { eventId }, order: { createdAt: "ASC", id: "ASC" } })).map(listViewOf);

/** The lists that name each of these tickets, by ticket. */
export async function listIdsOf(m: EntityManager, ticketIds: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < ticketIds.length; i += 500) {
    const rows = await m.find(CheckInListTicketEntity, { where: { ticketId: In(ticketIds.slice(i, i + 500)) } });
    for (const { ticketId, listId } of rows) found.set(ticketId, [...(found.get(ticketId) ?? []), listId]);
  }
  return found;
}

/**
 * For a page of a gate's snapshot: the lists that name each of these tickets. None when
 * every list of the event takes all tickets (most events, nothing read); else by the
 * page's ticket ids.
 */
export async function namingListsOf(m: EntityManager, lists: readonly CheckInListView[], ticketIds: readonly string[]): Promise<Map<string, string[]>> {
  if (lists.every((l) => l.allTickets) || ticketIds.length === 0) return new Map();
  return listIdsOf(m, ticketIds);
}

/** Names a new ticket on the given lists of its event, in the transaction that posts it. */
export async function nameOnLists(tx: Tx, eventId: string, ticketId: string, listIds: readonly string[]): Promise<void> {
  if (listIds.length === 0) return;
  const lists = await tx.find(CheckInListEntity, { where: { id: In([...listIds]) } });
  if (lists.length !== new Set(listIds).size || lists.some((l) => l.eventId !== eventId)) badInput("checkInListIds must name lists of the ticket's event", { field: "checkInListIds" });
  await tx.insert(
    CheckInListTicketEntity,
    lists.map((l) => ({ listId: l.id, ticketId })),
  );
}
