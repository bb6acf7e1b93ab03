import type { Socket } from "node:net";
import type { DataSource, QueryRunner } from "typeorm";

/**
 * Every place the database layer relies on more than TypeORM's documented API, in one
 * file. They hold for the typeorm version package.json pins exactly (no range: an
 * upgrade is a decision), and tests/integration/typeorm-internals.test.ts checks each of
 * them on both engines, so an upgrade that moves one fails there, by name:
 *
 *   1. `QueryRunner.query` is the one door through which TypeORM sends SQL on a runner:
 *      every call made with the runner's manager, and the runner's own
 *      startTransaction/commitTransaction/rollbackTransaction, which send exactly the
 *      texts in TRANSACTION_TEXTS. An own property `query` on a runner object is used
 *      instead of the prototype's.
 *   2. MySQL: `runner.connect()` resolves to the mysql2 connection the runner holds (the
 *      callback API: `query` and `execute`), and `driver.pool` is the mysql2 pool.
 *   3. better-sqlite3: `driver.databaseConnection` is the better-sqlite3 Database, and the
 *      driver hands every caller the same QueryRunner.
 *   4. MySQL: TypeORM passes `extra` on to mysql2's pool as connection options, and mysql2
 *      opens each connection's socket by calling the `stream` option when it is a
 *      function, and keeps that socket as the connection's `stream` (hosts.ts).
 */

/** What TypeORM's transaction methods send through `query` (1). */
export const TRANSACTION_TEXTS = {
  mysql: { begin: "START TRANSACTION", commit: "COMMIT", rollback: "ROLLBACK" },
  sqlite: { begin: "BEGIN TRANSACTION", commit: "COMMIT", rollback: "ROLLBACK" },
} as const;

export type RunnerQuery = (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;

/**
 * Puts `through` in front of the runner's `query` (1): it receives every statement
 * TypeORM sends on this runner, with TypeORM's own `query` to pass it on to. Returns
 * what undoes it.
 */
export function interceptQueries(runner: QueryRunner, through: (sql: string, params: unknown[] | undefined, structured: boolean | undefined, send: RunnerQuery) => Promise<unknown>): () => void {
  const own = Object.prototype.hasOwnProperty.call(runner, "query") ? runner.query : null;
  const send = runner.query.bind(runner) as RunnerQuery;
  (runner as { query: unknown }).query = (sql: string, params?: unknown[], structured?: boolean) => through(sql, params, structured, send);
  return () => {
    if (own) (runner as { query: unknown }).query = own;
    else delete (runner as { query?: unknown }).query;
  };
}

type Callback = (error: Error | null, result?: unknown) => void;

/** mysql2's callback API, as the runner's connection and the pool offer it (2). */
export interface MysqlExecutor {
  execute(sql: string, params: unknown[], callback: Callback): void;
}
export interface MysqlConnection extends MysqlExecutor {
  query(sql: string, params: unknown[], callback: Callback): void;
}

/** A connection from the pool, which the database layer closes when its node fails. */
export interface PooledMysqlConnection extends MysqlConnection {
  /** Closes the connection and takes it out of its pool (mysql2's documented API). */
  destroy(): void;
}

/** The socket mysql2 opened for a connection (4). */
export function socketOf(connection: MysqlConnection): Socket | undefined {
  return (connection as unknown as { stream?: Socket }).stream;
}

/** The mysql2 connection a MySQL runner holds, once connected (2). */
export async function mysqlConnectionOf(runner: QueryRunner): Promise<PooledMysqlConnection> {
  return (await runner.connect()) as PooledMysqlConnection;
}

/** The mysql2 pool of a MySQL data source (2). */
export function mysqlPoolOf(dataSource: DataSource): MysqlExecutor {
  return (dataSource.driver as unknown as { pool: MysqlExecutor }).pool;
}

/** What direct statements use of better-sqlite3 (3). */
export interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/** The better-sqlite3 database of a SQLite data source (3). */
export function sqliteDatabaseOf(dataSource: DataSource): SqliteDatabase {
  return (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
}
