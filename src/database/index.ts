import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Mutex } from "async-mutex";
import { createConnection } from "mysql2/promise";
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type QueryRunner } from "typeorm";
import * as entityClasses from "../entities";
import { migrations } from "../migrations";
import { mysqlAside, sharedAside, type AsideReads } from "./aside";
import { DatabaseHosts } from "./hosts";
import { DEFAULT_POOL_SIZE } from "./pool-size";
import { MysqlWire, mysqlOutside } from "./mysql-wire";
import { MAX_ATTEMPTS, backoffMs, driverErrorOf, isOutcomeUnknown, refusedBeforeRunning, retryableKind, type Retryable } from "./retries";
import { SqliteStatements, SqliteWire } from "./sqlite-wire";
import { EntityStatements, changedRows, type Statement } from "./statements";
import { RunAgainCaughtUp, Tx } from "./transaction";
import { interceptQueries, mysqlConnectionOf, socketOf, sqliteDatabaseOf, type PooledMysqlConnection as MysqlConnection } from "./typeorm-internals";

export { Tx, AtCommit, RunAgainCaughtUp } from "./transaction";
export { row, changedRows, type Statement, type Write } from "./statements";
export { DatabaseHosts } from "./hosts";
export type { AsideReads } from "./aside";
export { DEFAULT_POOL_SIZE } from "./pool-size";
export { isOutcomeUnknown } from "./retries";
export { upsertAdding, type ConditionalStatement } from "./upsert";

const entities = Object.values(entityClasses);

export interface DatabaseOptions {
  databaseUrl?: string;
  /**
   * Other nodes of the same Galera cluster as databaseUrl's (same user, password and
   * database), each one used when the one before it fails (hosts.ts).
   */
  replicaUrls?: readonly string[];
  dataDir: string;
  /** MySQL connections held at most (pool-size.ts); default DEFAULT_POOL_SIZE. */
  poolSize?: number;
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
    const hosts = options.replicaUrls?.length ? DatabaseHosts.fromUrls([options.databaseUrl, ...options.replicaUrls]) : null;
    const dataSource = new DataSource({
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
      extra: { connectionLimit: options.poolSize ?? DEFAULT_POOL_SIZE, enableKeepAlive: true, trace: false, ...(hosts && { stream: hosts.connect }) },
      // mysql-wire.ts sends a transaction's BEGIN with its first statements and its last
      // writes with its COMMIT. Every statement here binds its values; none is built
      // from input (a bound-values-only rule that this makes matter more).
      multipleStatements: true,
    });
    if (hosts) hostsOfDataSource.set(dataSource, hosts);
    return dataSource;
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

const hostsOfDataSource = new WeakMap<DataSource, DatabaseHosts>();

async function isMariaDb(url: string): Promise<boolean> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS v");
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0]?.v));
  } finally {
    await connection.end();
  }
}

/** Where the database layer tells of retries (debug) and of a node given up (warn); pino's shape. */
export interface DbLogger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DbOptions {
  logger?: DbLogger;
  /**
   * Told, for each MySQL connection taken from the pool, how long the taking waited: above
   * a millisecond or so, work queues for a connection (DATABASE_POOL_SIZE, pool-size.ts).
   */
  onConnectionWait?: (seconds: number) => void;
}

export interface TxOptions {
  /**
   * The transaction may run again even when its COMMIT was on its way as its connection
   * failed, so that it may have committed: `work` only adds rows nobody knows of yet,
   * made afresh by each run (a new code, a new session), or changes rows to where a
   * second run leaves them (a session ended). A run that did commit leaves at most a row
   * nobody uses (a code or a session whose token was never handed out), which expires.
   */
  repeatable?: boolean;
}

/** A Galera node's own view of whether it can serve (SHOW STATUS wsrep_ready, wsrep_local_state). */
export interface NodeState {
  ready: boolean;
  /** 4 is Synced; 1 Joining, 2 Donor/Desynced, 3 Joined. */
  localState: number;
}

const noLogger: DbLogger = { debug: () => undefined, warn: () => undefined };
const noop = () => undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How many idle connections to a node given up one acquisition closes before it takes one as it is. */
const STALE_CONNECTIONS_CLOSED = 64;

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
  private readonly logger: DbLogger;
  private readonly hosts: DatabaseHosts | null;
  private readonly onConnectionWait: (seconds: number) => void;
  #galera = false;

  constructor(
    readonly dataSource: DataSource,
    options: DbOptions = {},
  ) {
    this.logger = options.logger ?? noLogger;
    this.onConnectionWait = options.onConnectionWait ?? noop;
    this.hosts = hostsOfDataSource.get(dataSource) ?? null;
    if (this.hosts) {
      this.hosts.onGiveUp = (failed, next, reason) =>
        this.logger.warn({ reason, failed: `${failed.host}:${failed.port}`, next: `${next.host}:${next.port}` }, "database node failed; new connections go to the next one");
      this.hosts.onBack = (first) => this.logger.warn({ node: `${first.host}:${first.port}` }, "database node back and Synced; new connections go to it again");
    }
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

  /** Whether the server is a Galera cluster node (`detectCluster`). */
  get galera(): boolean {
    return this.#galera;
  }

  /**
   * Asks the server once whether it is a Galera node (`wsrep_on`), which decides whether
   * fresh reads ask it to catch up first and whether readiness asks for its state. A
   * server that is not (MySQL, MariaDB alone, SQLite) is never sent a Galera variable.
   */
  async detectCluster(): Promise<boolean> {
    if (!this.isMysql) return false;
    const rows = await this.select<{ Value: string }>("SHOW VARIABLES LIKE 'wsrep_on'", []);
    this.#galera = rows[0]?.Value === "ON";
    return this.#galera;
  }

  /**
   * On a Galera node, whether it can serve: `wsrep_ready` ON and Synced. When it cannot
   * and other nodes are configured, new connections go to the next one from now on.
   * Null where the server is not a Galera node.
   */
  async nodeState(): Promise<NodeState | null> {
    if (!this.#galera) return null;
    const { runner, connection } = await this.acquire();
    try {
      const rows = (await mysqlOutside(connection, {
        sql: "SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state')",
        params: [],
      })) as Array<{ Variable_name: string; Value: string }>;
      const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value;
      const state = { ready: value("wsrep_ready") === "ON", localState: Number(value("wsrep_local_state") ?? 0) };
      if (!state.ready || state.localState !== 4) this.nodeFailed(connection, "not synced");
      return state;
    } finally {
      await runner.release();
    }
  }

  /**
   * While a Galera instance's connections go to another node than its first
   * (DATABASE_URL's) after a failure, asks the first, on a connection of its own, whether
   * it is back: `wsrep_ready` ON and Synced. If it is, it is the node in use again
   * (hosts.ts). Resolves to whether it went back; does nothing elsewhere.
   */
  async backToFirstNode(): Promise<boolean> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!this.#galera || !this.hosts || this.hosts.onFirst || !url) return false;
    const connection = await createConnection({ uri: url, connectTimeout: 2000 });
    try {
      const [rows] = await connection.query("SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state')");
      const value = (name: string) => (rows as Array<{ Variable_name: string; Value: string }>).find((r) => r.Variable_name === name)?.Value;
      if (value("wsrep_ready") !== "ON" || value("wsrep_local_state") !== "4") return false;
      this.hosts.backToFirst();
      return true;
    } finally {
      connection.destroy();
    }
  }

  /**
   * Runs `work` in a transaction (see Tx) and commits it, then runs what it asked to run
   * after its commit. On MySQL, a transaction rolled back whole is run again, up to
   * MAX_ATTEMPTS in all, after a backoff (retries.ts): one InnoDB chose as a deadlock
   * victim or a Galera node refused at certification, on the same node; one the node
   * refused to run or lost the connection of before its COMMIT went, on the next node
   * (hosts.ts). Never one whose COMMIT was on its way when the connection failed: it may
   * have committed; unless it is `repeatable` (TxOptions). One that asked to (`Tx.runAgainCaughtUp`) runs again at once, after
   * its node has applied every write committed in the cluster (a synced read on the
   * connection before the transaction begins). Each attempt has a fresh Tx: what a
   * rolled-back attempt asked for is never sent, so `work` may say what to do after the
   * commit wherever it likes, and must do nothing else but database work.
   */
  async tx<T>(work: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const { result, afterCommit } = await this.runTransaction(work, options);
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

  private async runTransaction<T>(work: (tx: Tx) => Promise<T>, options: TxOptions): Promise<{ result: T; afterCommit: ReadonlyArray<() => void> }> {
    const { dataSource, statements, sqlite } = this;
    if (this.sqliteLock && sqlite) {
      const wire = new SqliteWire(sqlite, statements);
      return this.sqliteLock.runExclusive(() => Tx.run(dataSource, dataSource.createQueryRunner(), wire, statements, work));
    }
    let catchUp = false;
    for (let attempt = 1; ; attempt++) {
      let held: { runner: QueryRunner; connection: MysqlConnection } | null = null;
      let kind: Retryable;
      try {
        held = await this.acquire();
        if (catchUp) await mysqlOutside(held.connection, { sql: syncedFirst("SELECT 1"), params: [] });
        const wire = new MysqlWire(held.connection, statements, this.#galera);
        return await Tx.run(dataSource, held.runner, wire, statements, work, catchUp || !this.#galera);
      } catch (error) {
        if (error instanceof RunAgainCaughtUp && attempt < MAX_ATTEMPTS) {
          catchUp = true;
          this.logger.debug({ attempt, of: MAX_ATTEMPTS, kind: "behind" }, "database transaction runs again");
          continue;
        }
        const failure = retryableKind(error);
        if (failure === "node") this.nodeFailed(held?.connection, error);
        if (!failure || attempt >= MAX_ATTEMPTS || (isOutcomeUnknown(error) && !options.repeatable)) throw error;
        kind = failure;
        this.retrying("transaction", attempt, kind, error);
      } finally {
        await held?.runner.release();
      }
      await sleep(backoffMs(attempt, kind));
    }
  }

  /**
   * A pooled connection on its own runner. With several hosts, idle connections to a
   * node given up are closed on the way, so the work goes to the node in use.
   */
  private async acquire(): Promise<{ runner: QueryRunner; connection: MysqlConnection }> {
    for (let closed = 0; ; closed++) {
      const runner = this.dataSource.createQueryRunner();
      let connection: MysqlConnection;
      const asked = process.hrtime.bigint();
      try {
        connection = await mysqlConnectionOf(runner);
      } catch (error) {
        await runner.release();
        throw error;
      }
      this.onConnectionWait(Number(process.hrtime.bigint() - asked) / 1e9);
      if (!this.hosts || this.hosts.isInUse(socketOf(connection)) || closed >= STALE_CONNECTIONS_CLOSED) return { runner, connection };
      connection.destroy();
      await runner.release();
    }
  }

  /** The node behind `connection` failed: close the connection, and give the node up when others are configured. */
  private nodeFailed(connection: MysqlConnection | undefined, error: unknown): void {
    if (!connection) return;
    const socket = socketOf(connection);
    connection.destroy();
    this.hosts?.failed(socket, reasonOf(error));
  }

  private retrying(what: string, attempt: number, kind: Retryable, error: unknown): void {
    this.logger.debug({ attempt, of: MAX_ATTEMPTS, kind, reason: reasonOf(error) }, `database ${what} runs again`);
  }

  /**
   * A piece of MySQL work on one connection, run again on a node failure (on the next
   * node, with several), when `mayRetry` says the failure left nothing done.
   */
  private async onConnection<T>(what: string, work: (runner: QueryRunner, connection: MysqlConnection) => Promise<T>, mayRetry: (error: unknown) => boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let held: { runner: QueryRunner; connection: MysqlConnection } | null = null;
      try {
        held = await this.acquire();
        return await work(held.runner, held.connection);
      } catch (error) {
        if (retryableKind(error) !== "node") throw error;
        this.nodeFailed(held?.connection, error);
        if (attempt >= MAX_ATTEMPTS || !mayRetry(error)) throw error;
        this.retrying(what, attempt, "node", error);
      } finally {
        await held?.runner.release();
      }
      await sleep(backoffMs(attempt, "node"));
    }
  }

  /**
   * Runs a read outside any transaction (on SQLite, not inside another flow's one). On
   * MySQL its statements share one pooled connection, and a node failure runs it again.
   * `fresh`: the read sees every write committed before it began on any node of a Galera
   * cluster (each statement waits for its node to apply them: `wsrep_sync_wait`), for a
   * request that reads what another request wrote, which may have been on another node.
   * Elsewhere every read is fresh already, and nothing more is sent.
   */
  read<T>(work: (manager: EntityManager) => Promise<T>, options: { fresh?: boolean } = {}): Promise<T> {
    if (this.sqliteLock) return this.sqliteLock.runExclusive(() => work(this.dataSource.manager));
    const fresh = Boolean(options.fresh) && this.#galera;
    return this.onConnection(
      "read",
      async (runner) => {
        const restore = fresh ? interceptQueries(runner, (sql, params, structured, send) => send(syncedFirst(sql), params, structured)) : noop;
        try {
          return await work(runner.manager);
        } finally {
          restore();
        }
      },
      () => true,
    );
  }

  /** Rows of a SELECT run outside any transaction, as a prepared statement; `fresh` as for `read`. */
  async select<R = Record<string, unknown>>(sql: string, params: readonly unknown[], options: { fresh?: boolean } = {}): Promise<R[]> {
    const fresh = Boolean(options.fresh) && this.#galera;
    return (await this.outside({ sql: fresh ? syncedFirst(sql) : sql, params }, () => true)) as R[];
  }

  /**
   * An INSERT/UPDATE/DELETE outside any transaction (it commits alone); resolves to the
   * rows it changed. Run again on another node only when its node refused it unrun; an
   * `idempotent` one also when chosen as a deadlock victim.
   */
  async write(sql: string, params: readonly unknown[], options: { idempotent?: boolean } = {}): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return changedRows(await this.outside({ sql, params }, refusedBeforeRunning));
      } catch (error) {
        // An idempotent write (it sets what it sets, whatever ran before) chosen as a
        // deadlock victim runs again, as a transaction would (retries.ts).
        if (!options.idempotent || retryableKind(error) !== "conflict" || attempt >= MAX_ATTEMPTS) throw error;
        this.retrying("statement", attempt, "conflict", error);
      }
      await sleep(backoffMs(attempt, "conflict"));
    }
  }

  /**
   * Reads that do not queue behind requests for a pooled connection (aside.ts): on
   * MySQL one connection of their own, opened at the first read; close it with the
   * instance.
   */
  aside(): AsideReads {
    if (this.sqliteLock) return sharedAside((statement) => this.outside(statement, () => true));
    const { url, extra } = this.dataSource.options as { url?: string; extra?: Record<string, unknown> };
    if (!url) throw new Error("a MySQL data source without a URL");
    return mysqlAside(url, extra ?? {});
  }

  private outside(statement: Statement, mayRetry: (error: unknown) => boolean): Promise<unknown> {
    const { sqliteLock, sqlite } = this;
    if (sqliteLock && sqlite) return sqliteLock.runExclusive(async () => sqlite.run(statement));
    return this.onConnection("statement", (_runner, connection) => mysqlOutside(connection, statement), mayRetry);
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

/** InnoDB rolled the transaction back to break a deadlock, or Galera at certification (ER_LOCK_DEADLOCK, 1213). */
export function isDeadlock(error: unknown): boolean {
  return retryableKind(error) === "conflict";
}

/** A statement that first waits until its Galera node has applied every write committed in the cluster. */
export function syncedFirst(sql: string): string {
  return `SET STATEMENT wsrep_sync_wait = 1 FOR ${sql}`;
}

/** What a log may say of a database failure: its code and number, never its text (which may quote values). */
function reasonOf(error: unknown): string {
  if (typeof error === "string") return error;
  const driverError = driverErrorOf(error) as { errno?: number; code?: string } | null;
  return [driverError?.code, driverError?.errno].filter((part) => part !== undefined).join(" ") || "unknown";
}
