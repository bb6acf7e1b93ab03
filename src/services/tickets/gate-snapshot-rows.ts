import type { Db } from "../../database";
import { TicketEntity } from "../../entities";

/**
 * The tickets of one page of a gate's snapshot, in id order after the cursor's id, with
 * only the columns a gate reads, made into plain rows rather than TypeORM entities of
 * every column (at tens of thousands of tickets a walk, building those costs more than
 * reading them). Each read is one range of an index, stopped by its LIMIT:
 *
 * - the whole event: IDX_tickets_event_id (eventId, id), in order (MySQL walks the
 *   primary key instead where the event holds most of the tickets after the cursor);
 * - changed since: IDX_tickets_event_updated (eventId, updatedAt), the changed rows sorted
 *   (a refresh's few);
 * - whose holder registered or revoked a device since: the devices by IDX_devices_created
 *   and IDX_devices_revoked (a refresh's few), their holders' tickets by IDX_tickets_holder.
 */

const COLUMNS = [
  "id",
  "revokedAt",
  "holderPhone",
  "holderVersion",
  "usesAllowed",
  "usesLeft",
  "validFrom",
  "validUntil",
  "minMinutesBetweenUses",
  "lastUsedAt",
  "inside",
  "seat",
  "issueNumber",
  "attendeeName",
] as const;

export type SnapshotRow = Pick<TicketEntity, (typeof COLUMNS)[number]>;

/** Up to `limit` rows after `afterId` ("" for the first page): every ticket of the event, or with `since` those that changed or whose holder's devices did. */
export async function snapshotRows(db: Db, eventId: string, since: Date | null, afterId: string, limit: number): Promise<SnapshotRow[]> {
  const select = (where: string, params: unknown[]) =>
    db.select<Record<string, unknown>>(`SELECT ${db.selectList(TicketEntity, "t", "", COLUMNS)} FROM tickets t WHERE t.eventId = ? AND t.id > ?${where} ORDER BY t.id LIMIT ${limit}`, [
      eventId,
      afterId,
      ...params,
    ]);
  const rows = since
    ? mergedById(
        await select(" AND t.updatedAt >= ?", [since]),
        // A holder's device registered or revoked since: the ticket comes again, with its keys as they are now.
        await select(" AND t.holderPhone IN (SELECT c.phone FROM devices d JOIN customers c ON c.id = d.customerId WHERE d.createdAt >= ? OR d.revokedAt >= ?)", [since, since]),
      ).slice(0, limit)
    : await select("", []);
  return rows.map((row) => db.hydrate(TicketEntity, row, "", COLUMNS)!);
}

/** Two lists in id order as one, each id once. */
function mergedById<R extends Record<string, unknown>>(a: R[], b: R[]): R[] {
  const byId = new Map<string, R>();
  for (const row of [...a, ...b]) byId.set(String(row.id), row);
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}
