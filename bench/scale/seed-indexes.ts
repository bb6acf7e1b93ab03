import type { BulkWriter } from "./seed-sql";

/** One secondary index as information_schema describes it. */
interface IndexColumn {
  table: string;
  name: string;
  unique: boolean;
  column: string;
  subPart: number | null;
}

/**
 * Runs `load` with the tables' secondary indexes dropped, then builds them again exactly
 * as they were, one ALTER TABLE per table. Each row then goes into its primary key only,
 * and each index is built once by sorting: inserting tens of millions of rows into up to
 * nine B-trees at once, most of them in random order, is what makes a seed slow on a
 * small buffer pool. Building a unique index again checks that every seeded key is
 * unique after all. Nothing else may write the tables meanwhile (the bench's server is
 * idle while it seeds).
 */
export async function withIndexesBuiltAfter<T>(writer: BulkWriter, tables: string[], log: (line: string) => void, load: () => Promise<T>): Promise<T> {
  const columns = await writer.query<{ table: string; name: string; nonUnique: number; column: string; subPart: number | null }>(
    "SELECT table_name AS `table`, index_name AS name, non_unique AS nonUnique, column_name AS `column`, sub_part AS subPart " +
      "FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' AND table_name IN (?) " +
      "ORDER BY table_name, index_name, seq_in_index",
    [tables],
  );
  const byTable = new Map<string, Map<string, IndexColumn[]>>();
  for (const c of columns) {
    const indexes = byTable.get(c.table) ?? new Map<string, IndexColumn[]>();
    byTable.set(c.table, indexes);
    const index = indexes.get(c.name) ?? [];
    indexes.set(c.name, index);
    index.push({ table: c.table, name: c.name, unique: Number(c.nonUnique) === 0, column: c.column, subPart: c.subPart === null ? null : Number(c.subPart) });
  }
  for (const [table, indexes] of byTable) {
    await writer.query(`ALTER TABLE \`${table}\` ${[...indexes.keys()].map((name) => `DROP INDEX \`${name}\``).join(", ")}`);
  }
  let result: T;
  try {
    result = await load();
  } finally {
    const started = Date.now();
    // In the order given (largest first), so the largest table's build never starts last and runs alone.
    const ordered = tables.flatMap((table) => (byTable.has(table) ? [[table, byTable.get(table)!] as const] : []));
    const took: string[] = [];
    await writer.each(
      ordered.map(([table, indexes]) => {
        const adds = [...indexes.values()].map((parts) => {
          const list = parts.map((p) => `\`${p.column}\`${p.subPart === null ? "" : `(${p.subPart})`}`).join(", ");
          return `ADD ${parts[0].unique ? "UNIQUE " : ""}INDEX \`${parts[0].name}\` (${list})`;
        });
        return { sql: `ALTER TABLE \`${table}\` ${adds.join(", ")}`, done: (seconds: number) => took.push(`${table} ${indexes.size} in ${seconds.toFixed(0)} s`) };
      }),
    );
    log(`seed: indexes: ${took.join(", ")}`);
    log(`seed: indexes of ${byTable.size} tables built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return result;
}
