import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Mutex } from "async-mutex";
import { createConnection } from "mysql2/promise";
import { DataSource, QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import * as entityClasses from "../entities";
import { migrations } from "../migrations";
import { MysqlWire, mysqlOutside } from "./mysql-wire";
import { SqliteStatements, SqliteWire } from "./sqlite-wire";
import { EntityStatements, changedRows, type Statement } from "./statements";
import { Tx } from "./transaction";
import { mysqlConnectionOf, mysqlPoolOf, sqliteDatabaseOf } from "./typeorm-internals";

export { Tx, AtCommit } from "./transaction";
export { row, changedRows, type Statement, type Write } from "./statements";

const entities = Object.values(entityClasses);

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Log SQL (development only; parameters may hold secrets). */
  logging?: boolean;
}

/**
 * MySQL/MariaDB when a URL is given, else SQLite in dataDir. Migrations, never synchronize.
 * The server's flavour is asked first: TypeORM reads column defaults differently on
 * MariaDB, and with the wrong driver type it sees schema drift that is not there.
 */
export async function createDataSource(options: DatabaseOptions): Promise<DataSource> {
  if (options.databaseUrl) {
    return new DataSource({
      type: (await isMariaDb(options.databaseUrl)) ? "mariadb" : "mysql",
      url: options.databaseUrl,
      entities,
      migrations,
      synchronize: false,
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      logging: options.logging ?? false,
      // trace: false stops mysql2 capturing a stack trace for every query (5% of the CPU
      // of a redeem in a profile); errors still name the SQL that failed.
      extra: { connectionLimit: 32, enableKeepAlive: true, trace: false },
      // mysql-wire.ts sends a transaction's BEGIN with its first statements and its last
      // writes with its COMMIT. Every statement here binds its values; none is built
      // from input (a bound-values-only rule that this makes matter more).
      multipleStatements: true,
    });
  }
  mkdirSync(options.dataDir, { recursive: true });
  return new DataSource({
    type: "better-sqlite3",
    database: join(options.dataDir, "wallet.sqlite"),
    entities,
    migrations,
    synchronize: false,
    enableWAL: true,
    logging: options.logging ?? false,
  });
}

async function isMariaDb(url: string): Promise<boolean> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS v");
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0]?.v));
  } finally {
    await connection.end();
  }
}

/**
 * Transactions that mean the same on both engines (transaction.ts). TypeORM runs every
 * SQLite query on one connection, so two interleaved transactions there would silently
 * nest as savepoints; on SQLite we therefore run them one at a time. MySQL gets a pooled
 * connection per transaction. No transaction here ever waits on the network.
 */
export class Db {
  private readonly sqliteLock: Mutex | null;
  private readonly statements: EntityStatements;
  private readonly sqlite: SqliteStatements | null;

  constructor(readonly dataSource: DataSource) {
    const onSqlite = dataSource.options.type === "better-sqlite3";
    this.sqliteLock = onSqlite ? new Mutex() : null;
    this.statements = new EntityStatements(dataSource);
    // The better-sqlite3 handle exists once the data source is initialized.
    this.sqlite = onSqlite ? new SqliteStatements({ prepare: (sql) => sqliteDatabaseOf(dataSource).prepare(sql) }) : null;
  }

  /** "alias.col AS prefixcol, ..." for an entity's columns, all or those listed (see statements.ts). */
  selectList<E extends ObjectLiteral>(target: EntityTarget<E>, alias: string, prefix = "", properties?: ReadonlyArray<keyof E & string>): string {
    return this.statements.selectList(target, alias, prefix, properties);
  }

  /** An entity back from a row selected with `selectList`. */
  hydrate<E extends ObjectLiteral>(target: EntityTarget<E>, row: Record<string, unknown>, prefix?: string): E | null;
  /** Only the properties listed, as `selectList` selected them. */
  hydrate<E extends ObjectLiteral, K extends keyof E & string>(target: EntityTarget<E>, row: Record<string, unknown>, prefix: string, properties: readonly K[]): Pick<E, K> | null;
  hydrate<E extends ObjectLiteral>(target: EntityTarget<E>, row: Record<string, unknown>, prefix = "", properties?: readonly string[]): E | null {
    return this.statements.hydrate(target, row, prefix, properties);
  }

  get isMysql(): boolean {
    return this.dataSource.options.type !== "better-sqlite3";
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in a transaction (see Tx) and commits it, then runs what it asked to run
   * after its commit. On MySQL, one that InnoDB chose as a deadlock victim (rolled back
   * whole) is run again, up to three times, each attempt with a fresh Tx: what a
   * rolled-back attempt asked for is never sent, so `work` may say what to do after the
   * commit wherever it likes, and must do nothing else but database work.
   */
  async tx<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const { result, afterCommit } = await this.runTransaction(work);
    for (const action of afterCommit) {
      try {
        action();
      } catch (error) {
        // The transaction stands: an action's failure must not turn it into an error.
        process.emitWarning(`an after-commit action failed: ${(error as Error).name}`);
      }
    }
    return result;
  }

  private async runTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<{ result: T; afterCommit: ReadonlyArray<() => void> }> {
    const { dataSource, statements, sqlite } = this;
    if (this.sqliteLock && sqlite) {
      const wire = new SqliteWire(sqlite, statements);
      return this.sqliteLock.runExclusive(() => Tx.run(dataSource, dataSource.createQueryRunner(), wire, statements, work));
    }
    for (let attempt = 1; ; attempt++) {
      const runner = dataSource.createQueryRunner();
      try {
        const wire = new MysqlWire(await mysqlConnectionOf(runner), statements);
        return await Tx.run(dataSource, runner, wire, statements, work);
      } catch (error) {
        if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
      } finally {
        await runner.release();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /** Runs a read outside any transaction (on SQLite, not inside another flow's one). */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqliteLock) return work(this.dataSource.manager);
    return this.sqliteLock.runExclusive(() => work(this.dataSource.manager));
  }

  /** Rows of a SELECT run outside any transaction, as a prepared statement. */
  async select<R = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return (await this.outside({ sql, params })) as R[];
  }

  /** An INSERT/UPDATE/DELETE outside any transaction (it commits alone); resolves to the rows it changed. */
  async write(sql: string, params: readonly unknown[]): Promise<number> {
    return changedRows(await this.outside({ sql, params }));
  }

  private outside(statement: Statement): Promise<unknown> {
    const { sqliteLock, sqlite } = this;
    if (sqliteLock && sqlite) return sqliteLock.runExclusive(async () => sqlite.run(statement));
    return mysqlOutside(mysqlPoolOf(this.dataSource), statement);
  }

  async ping(): Promise<void> {
    await this.read((m) => m.query("SELECT 1"));
  }
}

/** Affected-row count of an UPDATE/DELETE run through the query builder, on both engines. */
export const affectedRows = (result: { affected?: number | null }): number => result.affected ?? 0;

/** A duplicate key, from TypeORM or from a direct statement, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (driverErrorOf(error) as { code?: string } | null)?.code;
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

const DEADLOCK_ATTEMPTS = 3;

/** InnoDB rolled the transaction back to break a deadlock (ER_LOCK_DEADLOCK, 1213). */
export function isDeadlock(error: unknown): boolean {
  return (driverErrorOf(error) as { errno?: number } | null)?.errno === 1213;
}

/** The driver's own error: TypeORM wraps it, a direct statement throws it as it is. */
function driverErrorOf(error: unknown): unknown {
  return error instanceof QueryFailedError ? error.driverError : error;
}
