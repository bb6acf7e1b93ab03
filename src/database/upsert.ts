import type { Statement } from "./statements";

/**
 * Adds to a row's counters, making the row when it is not there yet, in one statement:
 * `INSERT … ON DUPLICATE KEY UPDATE c = c + ?` on MySQL, `… ON CONFLICT (keys) DO UPDATE`
 * on SQLite. The counters move relative to what the row holds when the statement runs,
 * never to a value read before it, so concurrent writers add up exactly. Names are the
 * caller's constants, never input.
 */
export function upsertAdding(isMysql: boolean, table: string, keys: Record<string, unknown>, adds: Record<string, number>): Statement {
  const keyNames = Object.keys(keys);
  const addNames = Object.keys(adds);
  const columns = [...keyNames, ...addNames];
  const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  const sets = addNames.map((c) => `${c} = ${c} + ?`).join(", ");
  const conflict = isMysql ? `ON DUPLICATE KEY UPDATE ${sets}` : `ON CONFLICT (${keyNames.join(", ")}) DO UPDATE SET ${sets}`;
  return { sql: `${insert} ${conflict}`, params: [...Object.values(keys), ...addNames.map((c) => adds[c]), ...addNames.map((c) => adds[c])] };
}
