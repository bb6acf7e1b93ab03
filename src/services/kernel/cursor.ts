import { badInput } from "./errors";

/**
 * Page cursors: the id of the last row seen (our ids are time-ordered UUIDv7), opaque to
 * clients as base64url.
 */
export const encodeCursor = (id: string): string => Buffer.from(id).toString("base64url");

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) badInput("after is not a cursor from this API", { field: "after" });
  return id;
}
