import type { Statement } from "./statements";

/**
 * A statement that may also run only when a condition holds when it runs: the same
 * writes, as `INSERT … SELECT … WHERE condition` (for `Tx.atCommit`'s `onlyIf`).
 */
export interface ConditionalStatement extends Statement {
  /** The statement's text when it must write only if `condition` (SQL, no parameters of its own) holds; same parameters. */
  insertIfSql(condition: string): string;
}

/**
 * Adds to a row's counters, making the row when it is not there yet, in one statement:
 * `INSERT … ON DUPLICATE KEY UPDATE c = c + ?` on MySQL, `… ON CONFLICT (keys) DO UPDATE`
 * on SQLite. The counters move relative to what the row holds when the statement runs,
 * never to a value read before it, so concurrent writers add up exactly. Names are the
 * caller's constants, never input.
 */
export function upsertAdding(isMysql: boolean, table: string, keys: Record<string, unknown>, adds: Record<string, number>): ConditionalStatement {
  const keyNames = Object.keys(keys);
  const addNames = Object.keys(adds);
  const columns = [...keyNames, ...addNames];
  const marks = columns.map(() => "?").join(", ");
  const into = `INSERT INTO ${table} (${columns.join(", ")})`;
  const sets = addNames.map((c) => `${c} = ${c} + ?`).join(", ");
  const conflict = isMysql ? `ON DUPLICATE KEY UPDATE ${sets}` : `ON CONFLICT (${keyNames.join(", ")}) DO UPDATE SET ${sets}`;
  // SQLite reads `SELECT … ON CONFLICT` as the upsert only after a WHERE, which this form always has.
  const from = isMysql ? " FROM DUAL" : "";
  return {
    sql: `${into} VALUES (${marks}) ${conflict}`,
    params: [...Object.values(keys), ...addNames.map((c) => adds[c]), ...addNames.map((c) => adds[c])],
    insertIfSql: (condition) => `${into} SELECT ${marks}${from} WHERE ${condition} ${conflict}`,
  };
}

/** Whether a write at commit may depend on an earlier one: a row, or a statement with a conditional form. */
export const isConditional = (write: Statement): write is ConditionalStatement => typeof (write as Partial<ConditionalStatement>).insertIfSql === "function";
