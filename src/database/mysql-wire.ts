import type { EntityStatements, Statement } from "./statements";
import type { Outgoing, Wire } from "./transaction";
import { TRANSACTION_TEXTS, type MysqlConnection, type MysqlExecutor } from "./typeorm-internals";

/**
 * A MySQL transaction's statements on its pooled connection: its START TRANSACTION
 * travels with its first statements and its COMMIT with its last writes, so a
 * transaction that reads and claims, then writes, takes two round trips, not four.
 * Several statements go as one text (the pool has multipleStatements; every value is
 * bound, none built into the text); one statement alone goes as a prepared statement,
 * which MySQL parses once per connection. A row inserted only if the statement before
 * it changed a row becomes `INSERT ... SELECT ... FROM DUAL WHERE ROW_COUNT() > 0`: the
 * database decides, in the same round trip. (ROW_COUNT() is unsafe for statement-based
 * replication: a server that logs statements must log these as rows, as MIXED and ROW
 * binlog formats do.)
 */
export class MysqlWire implements Wire {
  readonly lazyBegin = true;
  readonly texts = TRANSACTION_TEXTS.mysql;

  constructor(
    private readonly connection: MysqlConnection,
    private readonly statements: EntityStatements,
  ) {}

  async send(outgoing: readonly Outgoing[], { begin, commit }: { begin: boolean; commit: boolean }): Promise<unknown[]> {
    const statements = outgoing.map((o) => ("onlyIfChanged" in o ? this.statements.renderInsertIf(o.onlyIfChanged, "ROW_COUNT() > 0") : o));
    if (!begin && !commit && statements.length === 1) return [await mysqlExecute(this.connection, statements[0].sql, statements[0].params)];
    const texts = [...(begin ? [this.texts.begin] : []), ...statements.map((s) => s.sql), ...(commit ? [this.texts.commit] : [])];
    const result = await mysqlQuery(this.connection, texts.join("; "), statements.flatMap((s) => s.params));
    // mysql2 answers a single statement with its result, several with an array of them.
    const results = texts.length === 1 ? [result] : (result as unknown[]);
    const first = begin ? 1 : 0;
    return results.slice(first, first + statements.length);
  }

  async rollback(): Promise<void> {
    await mysqlQuery(this.connection, this.texts.rollback, []);
  }
}

/** A statement outside any transaction, on the pool (autocommit). */
export function mysqlOutside(pool: MysqlExecutor, statement: Statement): Promise<unknown> {
  return mysqlExecute(pool, statement.sql, statement.params);
}

/** A prepared statement (binary protocol; MySQL parses each text once per connection). */
function mysqlExecute(executor: MysqlExecutor, sql: string, params: readonly unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => executor.execute(sql, params.map(toMysqlParam), (error, result) => (error ? reject(error) : resolve(result))));
}

/** A text query, which may hold several statements; mysql2 escapes the values. */
function mysqlQuery(connection: MysqlConnection, sql: string, params: readonly unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => connection.query(sql, params.map(toMysqlParam), (error, result) => (error ? reject(error) : resolve(result))));
}

function toMysqlParam(value: unknown): unknown {
  return value === undefined ? null : value;
}
