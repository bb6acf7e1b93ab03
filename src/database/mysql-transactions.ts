import type { DataSource, EntityManager } from "typeorm";
import type { Statement } from "./direct-sql";

type Callback = (error: Error | null, result?: unknown) => void;
interface MysqlExecutor {
  execute(sql: string, params: unknown[], callback: Callback): void;
}
interface MysqlConnection extends MysqlExecutor {
  query(sql: string, params: unknown[], callback: Callback): void;
}

/** Runs one direct statement; resolves to rows or to the driver's write result. */
export type RunStatement = (sql: string, params: readonly unknown[]) => Promise<unknown>;

/**
 * A transaction of `MysqlTransactions.run`. Its START TRANSACTION waits for the first
 * statement and travels with it; `finish` sends the last writes with the COMMIT.
 */
interface OpenTransaction {
  connection: MysqlConnection;
  begun: boolean;
  finished: boolean;
}

/**
 * MySQL transactions on pooled connections, run by hand rather than by TypeORM:
 *   - START TRANSACTION is sent with the first statement, in one round trip;
 *   - `finish` sends the last writes with the COMMIT, in one round trip;
 *   - TypeORM's query path (logging, subscriber broadcasts, result wrapping), which
 *     cost about as much as a whole direct statement, stays out of BEGIN and COMMIT.
 * A redeem's two transactions take 6 round trips instead of 11 this way. TypeORM calls
 * made with the manager handed out run on the same connection (beginning the
 * transaction first if nothing has yet) and see it as active, so a nested TypeORM
 * transaction becomes a savepoint, never an implicit commit.
 */
export class MysqlTransactions {
  private readonly open = new WeakMap<object, OpenTransaction>();

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
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

  /**
   * How direct statements on `m` run: in one of these transactions (the first carrying
   * its BEGIN, `finish` its COMMIT), in a transaction TypeORM runs, or on the pool.
   */
  statementsOn(m: EntityManager): {
    run: RunStatement;
    finish: ((statements: readonly Statement[]) => Promise<void>) | null;
    batch: ((statements: readonly Statement[]) => Promise<unknown[]>) | null;
  } {
    const tx = m.queryRunner ? this.open.get(m.queryRunner) : undefined;
    if (tx) {
      return {
        run: this.transactionRunner(tx),
        finish: (statements) => this.finishTransaction(tx, statements),
        batch: (statements) => this.batchInTransaction(tx, statements),
      };
    }
    return { run: this.outsideRunner(m), finish: null, batch: null };
  }

  /**
   * Several statements in one round trip (with the transaction's BEGIN, if it has not
   * begun); resolves to each one's result, in order. The first that fails stops the rest
   * and rejects, and the transaction rolls back.
   */
  private async batchInTransaction(tx: OpenTransaction, statements: readonly Statement[]): Promise<unknown[]> {
    if (tx.finished) throw new Error("statement after the transaction was finished");
    const texts = [...(tx.begun ? [] : ["START TRANSACTION"]), ...statements.map((s) => s.sql)];
    const skip = texts.length - statements.length;
    tx.begun = true;
    const result = await mysqlQuery(tx.connection, texts.join("; "), statements.flatMap((s) => s.params));
    // mysql2 answers a single statement with its result, several with an array of them.
    return texts.length === 1 ? [result] : (result as unknown[]).slice(skip);
  }

  private transactionRunner(tx: OpenTransaction): RunStatement {
    return async (sql, params) => {
      if (tx.finished) throw new Error("statement after the transaction was finished");
      if (tx.begun) return mysqlExecute(tx.connection, sql, params);
      const [result] = await this.batchInTransaction(tx, [{ sql, params }]);
      return result;
    };
  }

  private async finishTransaction(tx: OpenTransaction, statements: readonly Statement[]): Promise<void> {
    if (tx.finished) throw new Error("transaction finished twice");
    await this.batchInTransaction(tx, [...statements, COMMIT]);
    tx.finished = true;
  }

  /** Outside these transactions: the transaction TypeORM runs, if any, else the pool. */
  private outsideRunner(m: EntityManager): RunStatement {
    const inTransaction = m.queryRunner?.isTransactionActive ? (m.queryRunner as unknown as { databaseConnection: MysqlExecutor }) : null;
    const executor: MysqlExecutor = inTransaction ? inTransaction.databaseConnection : (this.dataSource.driver as unknown as { pool: MysqlExecutor }).pool;
    return (sql, params) => mysqlExecute(executor, sql, params);
  }
}

const COMMIT: Statement = { sql: "COMMIT", params: [] };

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

