import { toSqliteParam } from "./column-values";
import { changedRows, type EntityStatements, type Statement } from "./statements";
import type { Outgoing, Wire } from "./transaction";
import { TRANSACTION_TEXTS, type SqliteDatabase, type SqliteStatement } from "./typeorm-internals";

/** Direct statements on better-sqlite3, each text compiled once. */
export class SqliteStatements {
  private readonly compiled = new Map<string, SqliteStatement>();

  constructor(private readonly database: SqliteDatabase) {}

  /** Rows for a SELECT, `{ changes }` for a write. */
  run({ sql, params }: Statement): unknown {
    let statement = this.compiled.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.compiled.set(sql, statement);
    }
    const values = params.map(toSqliteParam);
    return statement.reader ? statement.all(...values) : statement.run(...values);
  }
}

/**
 * A SQLite transaction's statements, in process: one after the other, in the order a
 * MySQL round trip would run them, with the same rules (the first failure stops the
 * rest; a row inserted only if the statement before it changed a row). TypeORM's own
 * BEGIN and COMMIT are sent as they come: there is no round trip to save.
 */
export class SqliteWire implements Wire {
  readonly lazyBegin = false;
  readonly texts = TRANSACTION_TEXTS.sqlite;

  constructor(
    private readonly direct: SqliteStatements,
    private readonly statements: EntityStatements,
  ) {}

  async send(outgoing: readonly Outgoing[]): Promise<unknown[]> {
    const results: unknown[] = [];
    // As MySQL's ROW_COUNT(): rows the statement before changed, -1 after a SELECT.
    let before = -1;
    for (const o of outgoing) {
      if ("onlyIfChanged" in o && before <= 0) {
        results.push({ changes: 0 });
        before = 0;
        continue;
      }
      const result = this.direct.run("onlyIfChanged" in o ? this.statements.render(o.onlyIfChanged) : o);
      results.push(result);
      before = Array.isArray(result) ? -1 : changedRows(result);
    }
    return results;
  }

  async rollback(): Promise<void> {
    throw new Error("TypeORM rolls back SQLite transactions itself");
  }
}
