import { TransactionRolledBack } from "./retries";
import type { EntityStatements, Row, Statement } from "./statements";
import type { ConditionalStatement } from "./upsert";
import type { Outgoing, Wire } from "./transaction";
import { TRANSACTION_TEXTS, type MysqlConnection, type MysqlExecutor } from "./typeorm-internals";

/**
 * A MySQL transaction's statements on its pooled connection: its START TRANSACTION
 * travels with its first statements and its COMMIT with its last writes, so a
 * transaction that reads and claims, then writes, takes two round trips, not four.
 * Several statements go as one text (the pool has multipleStatements; every value is
 * bound, none built into the text); one statement alone goes as a prepared statement,
 * which MySQL parses once per connection. A row inserted (or an upsert run) only if the
 * statement before it changed a row becomes `INSERT ... SELECT ... FROM DUAL WHERE
 * ROW_COUNT() > 0`: the database decides, in the same round trip. (ROW_COUNT() is unsafe for statement-based
 * replication: a server that logs statements must log these as rows, as MIXED and ROW
 * binlog formats do.)
 *
 * A COMMIT that answers OK must mean committed. Every write's reply carries the server's
 * status, and one that shows no transaction open means the transaction was rolled back
 * before that write ran, whatever the replies after it say (TransactionRolledBack). On a
 * Galera node (`commitAlone`), the COMMIT also goes on its own, once the last writes'
 * replies have shown the transaction open: a transaction aborted by a replicated write
 * in between then hears of it as the COMMIT's error 1213.
 */
export class MysqlWire implements Wire {
  readonly lazyBegin = true;
  readonly texts = TRANSACTION_TEXTS.mysql;

  constructor(
    private readonly connection: MysqlConnection,
    private readonly statements: EntityStatements,
    private readonly commitAlone = false,
  ) {}

  async send(outgoing: readonly Outgoing[], { begin, commit }: { begin: boolean; commit: boolean }): Promise<unknown[]> {
    if (commit && this.commitAlone && outgoing.length > 0) {
      const results = await this.send(outgoing, { begin, commit: false });
      await mysqlQuery(this.connection, this.texts.commit, []);
      return results;
    }
    const statements = outgoing.map((o) => ("onlyIfChanged" in o ? this.onlyIfChanged(o.onlyIfChanged) : o));
    if (!begin && !commit && statements.length === 1) return [requireOpen(await mysqlExecute(this.connection, statements[0].sql, statements[0].params))];
    const texts = [...(begin ? [this.texts.begin] : []), ...statements.map((s) => s.sql), ...(commit ? [this.texts.commit] : [])];
    const result = await mysqlQuery(this.connection, texts.join("; "), statements.flatMap((s) => s.params));
    // mysql2 answers a single statement with its result, several with an array of them.
    const results = texts.length === 1 ? [result] : (result as unknown[]);
    const first = begin ? 1 : 0;
    // The BEGIN's reply and every statement's, up to the COMMIT's (which shows the transaction closed).
    results.slice(0, first + statements.length).forEach(requireOpen);
    return results.slice(first, first + statements.length);
  }

  /** A write sent only if the statement before it changed a row, as the database decides it. */
  private onlyIfChanged(write: Row | ConditionalStatement): Statement {
    const condition = "ROW_COUNT() > 0";
    return "sql" in write ? { sql: write.insertIfSql(condition), params: write.params } : this.statements.renderInsertIf(write, condition);
  }

  async rollback(): Promise<void> {
    await mysqlQuery(this.connection, this.texts.rollback, []);
  }
}

/** SERVER_STATUS_IN_TRANS of a reply's status flags. */
const IN_TRANSACTION = 1;

/**
 * A reply inside a transaction: a write's (an OK packet, with the server's status) must
 * show the transaction still open. Rows carry no status and pass.
 */
function requireOpen(reply: unknown): unknown {
  const status = (reply as { serverStatus?: unknown } | null)?.serverStatus;
  if (typeof status === "number" && (status & IN_TRANSACTION) === 0) throw new TransactionRolledBack();
  return reply;
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
