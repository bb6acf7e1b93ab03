import { badInput } from "../kernel/errors";

/**
 * Where the next page of a gate's snapshot walk starts: the id of the last ticket the page
 * held (tickets come in id order) and the walk's `asOf`, its first page's, which every
 * later page answers again. Opaque to the gate as base64url.
 */
export interface SnapshotCursor {
  asOf: Date;
  lastId: string;
}

export const encodeSnapshotCursor = (cursor: SnapshotCursor): string => Buffer.from(`${cursor.asOf.getTime()}|${cursor.lastId}`).toString("base64url");

/** The cursor, or BAD_USER_INPUT on `after` for anything this API did not hand out (an `asOf` ahead of `now` included). */
export function decodeSnapshotCursor(after: string, now: Date): SnapshotCursor {
  const [at, lastId] = Buffer.from(after, "base64url").toString().split("|");
  const asOf = new Date(/^\d{1,15}$/.test(at ?? "") ? Number(at) : NaN);
  if (!lastId || !/^[0-9a-f-]{36}$/.test(lastId) || Number.isNaN(asOf.getTime()) || asOf > now) badInput("after is not a cursor from gateSnapshot", { field: "after" });
  return { asOf, lastId };
}
