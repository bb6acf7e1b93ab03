import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

/**
 * Prepared statements run straight on the connection TypeORM holds, for the hot paths.
 *
 * Why: in a CPU profile of redeemCode, TypeORM building each query (alias and property
 * replacement, entity metadata walks, subscriber broadcasts) cost more than the database
 * round trips themselves. Here the SQL text is fixed, written once (or derived once from
 * the entity metadata), and sent as a prepared statement: MySQL parses it once per
 * connection, better-sqlite3 compiles it once. It runs on the manager's own connection,
 * so it takes part in the manager's transaction like any TypeORM call.
 *
 * Values cross in the same representation TypeORM uses, so rows written here read back
 * through TypeORM unchanged and the other way round: on SQLite a datetime is UTC text
 * 'YYYY-MM-DD HH:MM:SS.SSS'; simple-json is JSON text on both engines.
 */
export interface DirectSql {
  /** Rows of a SELECT, as plain objects keyed by column name or alias. */
  select<R = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Runs an INSERT/UPDATE/DELETE; resolves to the number of rows it changed. */
  write(sql: string, params: readonly unknown[]): Promise<number>;
  /** Inserts one entity, every column, by a statement derived once from its metadata. */
  insert<E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Promise<void>;
  /** The statement `insert` runs, for `finish`. */
  insertStatement<E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Statement;
  /**
   * The transaction's last writes, sent with its COMMIT in one round trip on MySQL; on
   * SQLite, or outside a transaction, they simply run in order (and the transaction
   * commits as usual). Nothing may run in the transaction after this.
   */
  finish(statements: readonly Statement[]): Promise<void>;
}

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

type Callback = (error: Error | null, result?: unknown) => void;
interface MysqlExecutor {
  execute(sql: string, params: unknown[], callback: Callback): void;
}
interface MysqlConnection extends MysqlExecutor {
  query(sql: string, params: unknown[], callback: Callback): void;
}

/**
 * A MySQL transaction of `mysqlTransaction`. Its START TRANSACTION waits for the first
 * statement and travels with it; `finish` sends the last writes with the COMMIT.
 */
interface OpenTransaction {
  connection: MysqlConnection;
  begun: boolean;
  finished: boolean;
}
interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

interface EntityShape {
  insertSql: string;
  columns: ColumnMetadata[];
}

/** One per DataSource: caches derived statements (and, on SQLite, compiled ones). */
export class DirectSqlFactory {
  private readonly mysql: boolean;
  private readonly shapes = new Map<unknown, EntityShape>();
  private readonly sqliteStatements = new Map<string, SqliteStatement>();
  private readonly open = new WeakMap<object, OpenTransaction>();

  constructor(private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type !== "better-sqlite3";
  }

  /** Statements bound to `m`'s connection: its transaction's, or the pool's outside one. */
  on(m: EntityManager): DirectSql {
    const tx = this.mysql && m.queryRunner ? this.open.get(m.queryRunner) : undefined;
    const run = tx ? this.transactionRunner(tx) : this.mysql ? this.mysqlRunner(m) : this.sqliteRunner();
    const insertStatement = <E extends ObjectLiteral>(target: EntityTarget<E>, entity: E): Statement => {
      const shape = this.shapeOf(target);
      return { sql: shape.insertSql, params: shape.columns.map((c) => toColumnValue(c, entity[c.propertyName])) };
    };
    return {
      select: async <R>(sql: string, params: readonly unknown[]) => (await run(sql, params)) as R[],
      write: async (sql, params) => {
        const result = (await run(sql, params)) as { affectedRows?: number; changes?: number };
        return result.affectedRows ?? result.changes ?? 0;
      },
      insert: async (target, entity) => {
        const { sql, params } = insertStatement(target, entity);
        await run(sql, params);
      },
      insertStatement,
      finish: async (statements) => {
        if (tx) return this.finishTransaction(tx, statements);
        for (const { sql, params } of statements) await run(sql, params);
      },
    };
  }

  /**
   * "alias.col AS prefixcol, ..." for every column of an entity, for a SELECT that
   * `hydrate` turns back into the entity.
   */
  selectList(target: EntityTarget<ObjectLiteral>, alias: string, prefix = ""): string {
    return this.shapeOf(target)
      .columns.map((c) => `${alias}.${c.databaseName} AS ${prefix}${c.databaseName}`)
      .join(", ");
  }

  /** The entity from a row selected with `selectList` (null when a LEFT JOIN found none). */
  hydrate<E extends ObjectLiteral>(target: EntityTarget<E>, row: Record<string, unknown>, prefix = ""): E | null {
    const meta = this.dataSource.getMetadata(target);
    const shape = this.shapeOf(target);
    const primary = shape.columns.find((c) => c.isPrimary)!;
    if (row[`${prefix}${primary.databaseName}`] == null) return null;
    const entity = meta.create() as E;
    for (const c of shape.columns) {
      (entity as Record<string, unknown>)[c.propertyName] = fromColumnValue(c, row[`${prefix}${c.databaseName}`]);
    }
    return entity;
  }

  private shapeOf(target: EntityTarget<ObjectLiteral>): EntityShape {
    let shape = this.shapes.get(target);
    if (!shape) {
      const meta = this.dataSource.getMetadata(target);
      const columns = meta.columns;
      for (const c of columns) kindOf(c); // refuse unknown column types at first use
      const names = columns.map((c) => c.databaseName).join(", ");
      shape = { columns, insertSql: `INSERT INTO ${meta.tableName} (${names}) VALUES (${columns.map(() => "?").join(", ")})` };
      this.shapes.set(target, shape);
    }
    return shape;
  }

  /**
   * A MySQL transaction on a pooled connection, run by hand rather than by TypeORM:
   *   - START TRANSACTION is sent with the first statement, in one round trip;
   *   - `finish` sends the last writes with the COMMIT, in one round trip;
   *   - TypeORM's query path (logging, subscriber broadcasts, result wrapping), which
   *     cost about as much as a whole direct statement, stays out of BEGIN and COMMIT.
   * A redeem's two transactions take 6 round trips instead of 11 this way. TypeORM calls
   * made with the manager handed out run on the same connection (beginning the
   * transaction first if nothing has yet) and see it as active, so a nested TypeORM
   * transaction becomes a savepoint, never an implicit commit.
   */
  async mysqlTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    const tx: OpenTransaction = { connection: (await runner.connect()) as MysqlConnection, begun: false, finished: false };
    const typeormQuery = runner.query.bind(runner);
    // This runner's own method, for this transaction only: TypeORM's calls begin it too.
    runner.query = (async (...args: Parameters<typeof typeormQuery>) => {
      if (tx.finished) throw new Error("query after the transaction was finished");
      if (!tx.begun) {
        tx.begun = true;
        await mysqlQuery(tx.connection, "START TRANSACTION", []);
      }
      return typeormQuery(...args);
    }) as typeof runner.query;
    this.open.set(runner, tx);
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    try {
      const result = await work(runner.manager);
      if (tx.begun && !tx.finished) await mysqlQuery(tx.connection, "COMMIT", []);
      return result;
    } catch (error) {
      if (tx.begun && !tx.finished) await mysqlQuery(tx.connection, "ROLLBACK", []).catch(() => undefined);
      throw error;
    } finally {
      state.isTransactionActive = false;
      state.transactionDepth = 0;
      this.open.delete(runner);
      await runner.release();
    }
  }

  private transactionRunner(tx: OpenTransaction): (sql: string, params: readonly unknown[]) => Promise<unknown> {
    return async (sql, params) => {
      if (tx.finished) throw new Error("statement after the transaction was finished");
      if (tx.begun) return mysqlExecute(tx.connection, sql, params);
      tx.begun = true;
      const [, result] = (await mysqlQuery(tx.connection, `START TRANSACTION; ${sql}`, params)) as unknown[];
      return result;
    };
  }

  private async finishTransaction(tx: OpenTransaction, statements: readonly Statement[]): Promise<void> {
    if (tx.finished) throw new Error("transaction finished twice");
    const sql = [...(tx.begun ? [] : ["START TRANSACTION"]), ...statements.map((s) => s.sql), "COMMIT"].join("; ");
    tx.begun = true;
    await mysqlQuery(tx.connection, sql, statements.flatMap((s) => s.params));
    tx.finished = true;
  }

  /** Outside `mysqlTransaction`: the transaction TypeORM runs, if any, else the pool. */
  private mysqlRunner(m: EntityManager): (sql: string, params: readonly unknown[]) => Promise<unknown> {
    const inTransaction = m.queryRunner?.isTransactionActive ? (m.queryRunner as unknown as { databaseConnection: MysqlExecutor }) : null;
    const executor: MysqlExecutor = inTransaction ? inTransaction.databaseConnection : (this.dataSource.driver as unknown as { pool: MysqlExecutor }).pool;
    return (sql, params) => mysqlExecute(executor, sql, params);
  }

  private sqliteRunner(): (sql: string, params: readonly unknown[]) => Promise<unknown> {
    const database = (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
    return async (sql, params) => {
      let statement = this.sqliteStatements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        this.sqliteStatements.set(sql, statement);
      }
      const values = params.map(toSqliteParam);
      return statement.reader ? statement.all(...values) : statement.run(...values);
    };
  }
}

type ColumnKind = "text" | "int" | "datetime" | "json";

function kindOf(column: ColumnMetadata): ColumnKind {
  switch (column.type) {
    case "varchar":
    case "text":
      return "text";
    case "int":
    case "integer":
      return "int";
    case "datetime":
      return "datetime";
    case "simple-json":
      return "json";
    default:
      throw new Error(`direct SQL does not handle column type ${String(column.type)} (${column.propertyName})`);
  }
}

function toColumnValue(column: ColumnMetadata, value: unknown): unknown {
  // A fixed statement cannot fall back to a column default: a missing value is a bug.
  if (value === undefined && !column.isNullable) throw new Error(`direct SQL insert without ${column.propertyName}`);
  if (value === undefined || value === null) return null;
  return kindOf(column) === "json" ? JSON.stringify(value) : value;
}

function fromColumnValue(column: ColumnMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kindOf(column)) {
    case "datetime":
      return readDate(value);
    case "int":
      return Number(value);
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    default:
      return value;
  }
}

/** A datetime as either engine returns it: a Date (mysql2, timezone Z) or UTC text (SQLite). */
export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(" ", "T")}Z`);
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

function toSqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return sqliteDatetime(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** TypeORM's SQLite datetime text: UTC, millisecond precision, space-separated. */
function sqliteDatetime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}
